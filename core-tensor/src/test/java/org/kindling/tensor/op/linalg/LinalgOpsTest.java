package org.kindling.tensor.op.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Sample;
import org.kindling.testing.OpRunner;

/** MXNet 1.9.1's shape rules and examples for {@code dot} and {@code batch_dot}. */
class LinalgOpsTest {
  private static Shape dotShape(DotParams p, Shape a, Shape b) {
    return new OpRunner<>(Dot.OP, Sample.of(p, a, b)).outShapes()[0];
  }

  @Test
  void dotContractsTheLastAxisOfLhsWithTheFirstOfRhs() {
    assertThat(dotShape(DotParams.plain(), Shape.of(2, 3, 4), Shape.of(4, 5, 6)))
        .isEqualTo(Shape.of(2, 3, 5, 6));
    assertThat(dotShape(DotParams.of(true, false), Shape.of(4, 2, 3), Shape.of(4, 5)))
        .isEqualTo(Shape.of(2, 3, 5));
    assertThat(dotShape(DotParams.of(false, true), Shape.of(3, 4), Shape.of(5, 6, 4)))
        .isEqualTo(Shape.of(3, 5, 6));
    assertThat(dotShape(DotParams.plain(), Shape.of(3), Shape.of(3))).isEqualTo(Shape.of(1));
    assertThat(dotShape(DotParams.plain(), Shape.of(3), Shape.of(3, 2))).isEqualTo(Shape.of(2));
    assertThatThrownBy(() -> dotShape(DotParams.of(true, false), Shape.of(3), Shape.of(3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transpose vectors");
    assertThatThrownBy(() -> dotShape(DotParams.plain(), Shape.of(2, 3), Shape.of(2, 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dot shape error");
  }

  @Test
  void dotMatchesMxnetsExample() {
    double[] x = {0, 1, 2, 3, 4, 5, 6, 7};
    double[] y = {7, 6, 5, 4, 3, 2, 1, 0};
    Shape s = Shape.of(2, 2, 2);
    double[] z = new OpRunner<>(Dot.OP, Sample.of(DotParams.plain(), s, s))
        .forward(new double[][] {x, y}, false, 1)[0];
    assertThat(z).hasSize(16);
    // dot(x, y)[0, 0, 1, 1] = sum(x[0, 0, :] * y[:, 1, 1]) = 0
    assertThat(z[3]).isEqualTo(0);
    // dot(x, y)[1, 1, 0, 0] = 6*7 + 7*3
    assertThat(z[12]).isEqualTo(63);
  }

  @Test
  void batchDotMultipliesEachPair() {
    OpRunner<DotParams> r = new OpRunner<>(BatchDot.OP,
        Sample.of(DotParams.of(false, true), Shape.of(2, 1, 2), Shape.of(2, 1, 2)));
    assertThat(r.outShapes()[0]).isEqualTo(Shape.of(2, 1, 1));
    assertThat(r.forward(new double[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, false, 1)[0])
        .containsExactly(17, 53);
    assertThatThrownBy(() -> new OpRunner<>(BatchDot.OP,
        Sample.of(DotParams.plain(), Shape.of(2, 3), Shape.of(3, 2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N >= 3");
    assertThatThrownBy(() -> new OpRunner<>(BatchDot.OP,
        Sample.of(DotParams.plain(), Shape.of(2, 3, 4), Shape.of(3, 4, 2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch dimensions");
  }

  @Test
  void forwardStypeIsAcceptedAndComputesDense() {
    DotParams p = Dot.OP.parseAttrs("d", Map.of("transpose_b", "True", "forward_stype", "csr"));
    assertThat(p).isEqualTo(new DotParams(false, true, DotParams.StorageType.CSR));
    assertThat(Dot.OP.toAttrs(p)).containsEntry("forward_stype", "csr");
    assertThat(new OpRunner<>(Dot.OP, Sample.of(p, Shape.of(1, 2), Shape.of(1, 2)))
        .forward(new double[][] {{1, 2}, {3, 4}}, false, 1)[0]).containsExactly(11);
  }
}
