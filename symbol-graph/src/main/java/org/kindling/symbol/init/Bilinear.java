package org.kindling.symbol.init;

import java.util.SplittableRandom;
import org.kindling.symbol.spec.Spec;
import org.kindling.tensor.Shape;

/**
 * MXNet's {@code Bilinear}, the weight of bilinear {@code UpSampling}/{@code Deconvolution}: for
 * a 4-D weight {@code (o, i, h, w)}, with {@code f = ceil(w / 2)} and {@code c = (2f - 1 - f mod
 * 2) / 2f}, element {@code (·, ·, y, x)} is {@code (1 - |x/f - c|)·(1 - |y/f - c|)}. (MXNet
 * takes {@code f} from the width for both axes.)
 */
public final class Bilinear extends WeightInitializer {
  /** The bilinear initializer. */
  public Bilinear() {
    super(0L);
  }

  @Override
  protected void initWeight(Shape shape, float[] out, SplittableRandom rnd) {
    if (shape.ndim() != 4) {
      throw new IllegalArgumentException(
          "Bilinear initializer needs a 4-D weight (out, in, height, width), got " + shape);
    }
    int height = shape.get(2);
    int width = shape.get(3);
    double f = Math.ceil(width / 2.0);
    double c = (2 * f - 1 - f % 2) / (2 * f);
    for (int i = 0; i < out.length; i++) {
      int x = i % width;
      int y = (i / width) % height;
      out[i] = (float) ((1 - Math.abs(x / f - c)) * (1 - Math.abs(y / f - c)));
    }
  }

  @Override
  public Spec spec() {
    return Spec.of("bilinear");
  }
}
