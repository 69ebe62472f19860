package org.kindling.symbol.init;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.Spec;
import org.kindling.tensor.Shape;

/** MXNet's {@code One} ({@code ones}): weights are one (biases still zero by the name rules). */
public final class One extends WeightInitializer {
  /** The one initializer. */
  public One() {
    super(0L);
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    Arrays.fill(out, 1f);
  }

  @Override
  public Spec spec() {
    return Spec.of("one");
  }
}
