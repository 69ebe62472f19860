package org.kindling.symbol.init;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.kindling.tensor.Shape;

/** MXNet's {@code One}: weights start at one (biases still zero by the name rule). */
public final class One extends Initializer {
  /** The one initializer. */
  public One() {
    super(0L);
  }

  @Override
  protected void initWeight(String name, Shape shape, float[] out, SplittableRandom rnd) {
    Arrays.fill(out, 1f);
  }
}
