package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory.format_tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.testing.SeededProperty;

/** oneDNN's inner product gives the default FullyConnected kernel's outputs and gradients. */
@ExtendWith(AccelAuto.class)
class DnnlFullyConnectedTest {
  /** A random layer and the data shape it runs on. */
  record Case(FullyConnected.Params params, Shape data, long seed) {}

  @Test
  void matchesDefaultKernelOverRandomShapes() {
    SeededProperty.check(20, r -> {
      FullyConnected.Params p = FullyConnected.Params.of(1 + r.nextInt(40))
          .withNoBias(r.nextBoolean()).withFlatten(r.nextBoolean());
      Shape d = r.nextBoolean() ? Shape.of(1 + r.nextInt(9), 1 + r.nextInt(70))
          : Shape.of(1 + r.nextInt(5), 1 + r.nextInt(4), 1 + r.nextInt(12));
      return new Case(p, d, r.nextLong());
    }, c -> new KernelPair<>(FullyConnected.OP, c.params(), c.data())
        .assertSameResults(new Random(c.seed()), 2e-5));
  }

  /**
   * Inference of at most {@link DnnlFullyConnected#GEMV_ROWS} rows runs oneDNN's gemm:jit inner
   * product (decision 0057), with the default kernel's results: bias or not, flatten or the
   * last axis (rows from the leading axes), as batch 1 and 2 of a classifier.
   */
  @Test
  void smallBatchInferenceRunsGemmInnerProduct() {
    SeededProperty.check(16, r -> {
      FullyConnected.Params p = FullyConnected.Params.of(1 + r.nextInt(40))
          .withNoBias(r.nextBoolean()).withFlatten(r.nextBoolean());
      int rows = 1 + r.nextInt(DnnlFullyConnected.GEMV_ROWS);
      Shape d = p.flatten() ? Shape.of(rows, 1 + r.nextInt(4), 1 + r.nextInt(30))
          : Shape.of(1, rows, 1 + r.nextInt(70));
      return new Case(p, d, r.nextLong());
    }, c -> {
      KernelPair<FullyConnected.Params> pair =
          new KernelPair<>(FullyConnected.OP, c.params(), c.data());
      assertThat(pair.kernel("dnnl").implementation())
          .startsWith("oneDNN x64:" + DnnlFullyConnected.GEMV_IMPL);
      pair.assertSameResults(new Random(c.seed()), 2e-5);
    });
  }

  /** From GEMV_ROWS + 1 rows on, inference runs what oneDNN ranks first, as training does. */
  @Test
  void largerBatchesKeepOneDnnsFirstChoice() {
    for (Shape d : new Shape[] {Shape.of(DnnlFullyConnected.GEMV_ROWS + 1, 50),
        Shape.of(8, 3, 5)}) {
      KernelPair<FullyConnected.Params> pair =
          new KernelPair<>(FullyConnected.OP, FullyConnected.Params.of(30), d);
      int k = (int) d.sizeFrom(1);
      var first = new inner_product_forward.primitive_desc(Dnnl.get().engine,
          prop_kind.forward_inference, DnnlKernel.md(DnnlKernel.dims(d.get(0), k), format_tag.any),
          DnnlKernel.md(DnnlKernel.dims(30, k), format_tag.any),
          DnnlKernel.md(DnnlKernel.dims(30), format_tag.x),
          DnnlKernel.md(DnnlKernel.dims(d.get(0), 30), format_tag.any),
          DnnlKernel.userScratchpad(), false);
      assertThat(pair.kernel("dnnl").implementation()).as(d.toString())
          .isEqualTo("oneDNN " + first.impl_info_str().getString());
    }
  }

  @Test
  void columnBiasHasTheSameBytes() {
    new KernelPair<>(FullyConnected.OP, FullyConnected.Params.of(3), Shape.of(4, 2),
        Shape.of(3, 2), Shape.of(3, 1)).assertSameResults(new Random(3), 2e-5);
  }

  @Test
  void emptyBatchFallsBack() {
    assertThat(new KernelPair<>(FullyConnected.OP, FullyConnected.Params.of(3),
        Shape.of(0, 5)).kernel("dnnl")).isNull();
  }
}
