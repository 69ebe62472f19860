package org.kindling.symbol.init;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.kindling.tensor.Shape;

/** MXNet's {@code Zero}: weights (and, by the name rule, biases) start at zero. */
public final class Zero extends Initializer {
  /** The zero initializer. */
  public Zero() {
    super(0L);
  }

  @Override
  protected void initWeight(String name, Shape shape, float[] out, SplittableRandom rnd) {
    Arrays.fill(out, 0f);
  }
}
