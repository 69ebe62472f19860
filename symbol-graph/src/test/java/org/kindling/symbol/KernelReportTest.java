package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.zoo.LeNet;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.GradReq;

/** Which kernel each node of a bound graph got, and the per-operator summary. */
class KernelReportTest {
  @AfterEach
  void reset() {
    CpuAccel.reset();
  }

  private static List<KernelReport.Choice> bindLeNet(CpuAccel.Mode mode) {
    CpuAccel.configure(mode, 1);
    try (Executor e = LeNet.get(10).simpleBind(Map.of("data", Shape.of(2, 1, 28, 28)),
        GradReq.WRITE)) {
      return e.kernels();
    }
  }

  @Test
  void offGivesTheDefaultKernelsEverywhere() {
    List<KernelReport.Choice> choices = bindLeNet(CpuAccel.Mode.OFF);
    assertThat(choices).extracting(KernelReport.Choice::implementation).containsOnly("default");
    assertThat(choices).extracting(KernelReport.Choice::op)
        .contains("Convolution", "Activation", "Pooling", "FullyConnected", "SoftmaxOutput");
    assertThat(KernelReport.summary(choices)).isEqualTo(
        "Activation: 3 default; Convolution: 2 default; FullyConnected: 2 default;"
        + " Pooling: 2 default");
  }

  @Test
  void forceNamesTheOneDnnImplementationOfEveryAcceleratedLayer() {
    List<KernelReport.Choice> choices = bindLeNet(CpuAccel.Mode.FORCE);
    for (KernelReport.Choice c : choices) {
      assertThat(c.implementation()).as(c.node())
          .startsWith(c.accelerable() ? "oneDNN " : "default");
    }
    // LeNet's 5x5 convolutions are not Winograd's
    // a layer with weights names its training forward's implementation too where it differs
    String weighted = "oneDNN \\S+( \\(training: \\S+\\))?";
    assertThat(KernelReport.summary(choices)).matches("Activation: 3 oneDNN \\S+, 0 default; "
        + "Convolution: 2 " + weighted + ", 0 default; FullyConnected: 2 " + weighted
        + ", 0 default; Pooling: 2 oneDNN \\S+, 0 default");
  }

  @Test
  void aGraphWithoutAcceleratedOperatorsSaysSo() throws Exception {
    Symbol relu = Symbol.fromJson("{\"nodes\": [{\"op\": \"null\", \"name\": \"data\", "
        + "\"inputs\": []}, {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0, 0]]}], "
        + "\"arg_nodes\": [0], \"heads\": [[1, 0, 0]]}", "relu.json");
    try (Executor e = relu.simpleBind(Map.of("data", Shape.of(3)), GradReq.NULL)) {
      assertThat(e.kernels()).singleElement()
          .isEqualTo(new KernelReport.Choice("r", "relu", "default"));
      assertThat(KernelReport.summary(e.kernels())).isEqualTo("no accelerated operators");
    }
  }
}
