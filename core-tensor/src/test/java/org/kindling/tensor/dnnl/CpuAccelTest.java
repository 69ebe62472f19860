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

  @Test
  void twoThreadsComputeWhatTheDefaultKernelComputes() {
    CpuAccel.configure(CpuAccel.Mode.AUTO, 2);
    new KernelPair<>(Convolution.OP, CONV.withPad(1, 1), Shape.of(4, 8, 12, 12))
        .assertSameResults(new java.util.Random(9), 2e-5);
    assertThat(CpuAccel.settings().threads()).isEqualTo(2);
  }
}
