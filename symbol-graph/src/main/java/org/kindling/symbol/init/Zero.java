package org.kindling.symbol.init;

import java.util.SplittableRandom;
import org.kindling.symbol.spec.Spec;
import org.kindling.tensor.Shape;

/** MXNet's {@code Zero} ({@code zeros}): weights (and, by the name rules, biases) are zero. */
public final class Zero extends WeightInitializer {
  /** The zero initializer. */
  public Zero() {
    super(0L);
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    // out starts zeroed
  }

  @Override
  public Spec spec() {
    return Spec.of("zero");
  }
}
