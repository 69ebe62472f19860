package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.nn.Convolution;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.op.shape.Concat;

/** The {@code kindling.cpu.accel} modes and {@code kindling.cpu.threads}. */
class CpuAccelTest {
  /** 5x5: a shape the Winograd backend (3x3 only, above oneDNN) leaves to oneDNN. */
  private static final Convolution.Params CONV = Convolution.Params.of(new int[] {5, 5}, 4);

  @AfterEach
  void reset() {
    CpuAccel.reset();
  }

  private static boolean isDnnl(Kernel k) {
    return k.getClass().getPackageName().equals(DnnlFactory.class.getPackageName());
  }

  @Test
  void autoChoosesOneDnnWhereItRuns() {
    CpuAccel.configure(CpuAccel.Mode.AUTO, 1);
    assertThat(isDnnl(new KernelPair<>(Convolution.OP, CONV, Shape.of(2, 3, 8, 8)).selected()))
        .isTrue();
    // and the default kernel where it does not (an empty batch)
    assertThat(isDnnl(new KernelPair<>(Convolution.OP, CONV, Shape.of(0, 3, 8, 8)).selected()))
        .isFalse();
  }

  @Test
  void offChoosesTheDefaultKernel() {
    CpuAccel.configure(CpuAccel.Mode.OFF, 0);
    KernelPair<Convolution.Params> pair =
        new KernelPair<>(Convolution.OP, CONV, Shape.of(2, 3, 8, 8));
    assertThat(pair.kernel("dnnl")).isNull();
    assertThat(isDnnl(pair.selected())).isFalse();
  }

  @Test
  void forceFailsNamingTheOperatorSignatureAndRule() {
    CpuAccel.configure(CpuAccel.Mode.FORCE, 1);
    KernelPair<Convolution.Params> pair =
        new KernelPair<>(Convolution.OP, CONV, Shape.of(0, 3, 8, 8));
    assertThatThrownBy(pair::selected).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Convolution").hasMessageContaining("float32(0, 3, 8, 8)")
        .hasMessageContaining("empty tensor").hasMessageContaining("kindling.cpu.accel=force");
    // and runs what oneDNN can run
    assertThat(isDnnl(new KernelPair<>(Convolution.OP, CONV, Shape.of(2, 3, 8, 8)).selected()))
        .isTrue();
  }

  @Test
  void nonFloat32FallsBackAndForceNamesTheType() {
    Shape[] in = {Shape.of(2, 5), Shape.of(3, 5), Shape.of(3)};
    DType[] f64 = {DType.FLOAT64, DType.FLOAT64, DType.FLOAT64};
    KernelSignature sig = new KernelSignature(in, f64, new Shape[] {Shape.of(2, 3)},
        new DType[] {DType.FLOAT64});
    DnnlFactory<FullyConnected.Params> f = new DnnlFactory<>("FullyConnected",
        new DnnlFullyConnected());
    assertThat(f.create(FullyConnected.Params.of(3), sig)).isNull();
    CpuAccel.configure(CpuAccel.Mode.FORCE, 1);
    assertThatThrownBy(() -> f.create(FullyConnected.Params.of(3), sig))
        .hasMessageContaining("float32 only").hasMessageContaining("float64(2, 5)");
  }

  private static KernelSignature concat(Shape out, Shape... in) {
    DType[] f32 = new DType[in.length];
    java.util.Arrays.fill(f32, DType.FLOAT32);
    return new KernelSignature(in, f32, new Shape[] {out}, new DType[] {DType.FLOAT32});
  }

  @Test
  void concatRunsOnOneDnnAlongChannelsOfSpatialDataOnly() {
    CpuAccel.configure(CpuAccel.Mode.AUTO, 1);
    DnnlFactory<Concat.Params> f = new DnnlFactory<>("Concat", new DnnlConcat());
    KernelSignature channels = concat(Shape.of(2, 48, 5, 5), Shape.of(2, 16, 5, 5),
        Shape.of(2, 32, 5, 5));
    assertThat(f.create(Concat.Params.of(2), channels).implementation()).startsWith("oneDNN");
    assertThat(f.create(Concat.Params.of(2).withDim(-3), channels)).isNotNull();
    KernelSignature rows = concat(Shape.of(2, 16, 10, 5), Shape.of(2, 16, 5, 5),
        Shape.of(2, 16, 5, 5));
    assertThat(f.create(Concat.Params.of(2).withDim(2), rows)).isNull();
    KernelSignature matrices = concat(Shape.of(2, 48), Shape.of(2, 16), Shape.of(2, 32));
    assertThat(f.create(Concat.Params.of(2), matrices)).isNull();
    CpuAccel.configure(CpuAccel.Mode.FORCE, 1);
    assertThatThrownBy(() -> f.create(Concat.Params.of(2).withDim(2), rows))
        .hasMessageContaining("dim 2").hasMessageContaining("channel axis");
    assertThatThrownBy(() -> f.create(Concat.Params.of(2), matrices))
        .hasMessageContaining("2-D data");
  }

  @Test
  void twoThreadsComputeWhatTheDefaultKernelComputes() {
    CpuAccel.configure(CpuAccel.Mode.AUTO, 2);
    new KernelPair<>(Convolution.OP, CONV.withPad(1, 1), Shape.of(4, 8, 12, 12))
        .assertSameResults(new java.util.Random(9), 2e-5);
    assertThat(CpuAccel.settings().threads()).isEqualTo(2);
  }
}
