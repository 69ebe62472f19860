package org.kindling.symbol.op;

import static org.assertj.core.api.Assertions.assertThat;

/** Float64 comparison of analytic (float32 kernel) and numerical gradients. */
final class GradientAssert {
  private GradientAssert() {}

  static void assertClose(float[] analytic, double[] expected, double atol, double rtol,
      String what) {
    assertThat(analytic).as(what + " length").hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      double tol = atol + rtol * Math.abs(expected[i]);
      assertThat((double) analytic[i])
          .as("%s[%d]: analytic %s vs expected %s", what, i, analytic[i], expected[i])
          .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol));
    }
  }
}
