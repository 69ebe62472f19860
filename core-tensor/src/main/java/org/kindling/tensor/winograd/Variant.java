package org.kindling.tensor.winograd;

/**
 * A Winograd algorithm F(m x m, 3 x 3): output tiles of {@code m x m} from input tiles of
 * {@code alpha x alpha} ({@code alpha = m + 2}), with the transforms of Toom-Cook interpolation
 * at the given points (plus the point at infinity), as Lavin and Gray choose them. Larger tiles
 * need fewer multiplications per output ({@code alpha² / m²}, against 9 for the direct
 * convolution) but their transforms have larger coefficients, so their float32 error is larger
 * (docs/winograd.md).
 */
enum Variant {
  /** F(4x4,3x3) at 0, ±1, ±2: 36 products per 16 outputs (4x fewer than direct). */
  F4(4, new double[] {0, 1, -1, 2, -2}),
  /** F(6x6,3x3) at 0, ±1, ±2, ±1/2: 64 products per 36 outputs (5.06x fewer than direct). */
  F6(6, new double[] {0, 1, -1, 2, -2, 0.5, -0.5});

  /** Output tile extent m. */
  final int m;
  /** Input tile extent m + 2. */
  final int alpha;
  /** The transform matrices. */
  final Transforms t;

  Variant(int m, double[] points) {
    this.m = m;
    this.alpha = m + Transforms.R - 1;
    this.t = Transforms.of(m, points);
  }

  /** The algorithm's usual name, e.g. {@code F(6x6,3x3)}. */
  String label() {
    return "F(" + m + "x" + m + ",3x3)";
  }

  /** The {@code alpha²} transform points: one sgemm each per block of tiles. */
  int points() {
    return alpha * alpha;
  }
}
