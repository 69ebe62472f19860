package org.kindling.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.CpuAccel;

/** {@code --accel} and {@code --threads} ({@link CpuAccelOption}) and {@code summary --kernels}. */
class AccelOptionTest {
  @AfterEach
  void reset() {
    CpuAccel.reset();
  }

  @Test
  void kernelsListsEachLayersKernelAndTheSummary() {
    CliRun off = CliRun.of("summary", "--network", "lenet", "--shape", "1,1,28,28", "--kernels",
        "--accel", "off");
    assertThat(off.code()).as(off.err()).isZero();
    List<String> l = off.lines();
    assertThat(l).contains("convolution0\tConvolution\tdefault",
        "fullyconnected1\tFullyConnected\tdefault");
    assertThat(l.get(l.size() - 1)).isEqualTo(
        "kernels: Activation: 3 default; Convolution: 2 default; FullyConnected: 2 default;"
        + " Pooling: 2 default");
    assertThat(CpuAccel.settings()).isEqualTo(new CpuAccel.Settings(CpuAccel.Mode.OFF,
        CpuAccel.settings().threads()));

    CliRun force = CliRun.of("summary", "--network", "lenet", "--shape", "1,1,28,28",
        "--kernels", "--train", "--accel", "force", "--threads", "1");
    assertThat(force.code()).as(force.err()).isZero();
    // a layer with weights names its training forward's implementation too where it differs
    String weighted = "oneDNN \\S+( \\(training: \\S+\\))?";
    assertThat(force.lines())
        .anyMatch(s -> s.matches("convolution0\tConvolution\t" + weighted));
    assertThat(force.lines().get(force.lines().size() - 1))
        .matches("kernels: Activation: 3 oneDNN \\S+, 0 default; Convolution: 2 " + weighted
            + ", 0 default; .*Pooling: 2 oneDNN \\S+, 0 default");
    assertThat(CpuAccel.settings()).isEqualTo(new CpuAccel.Settings(CpuAccel.Mode.FORCE, 1));
  }

  @Test
  void badValuesAreUsageErrorsOfEveryCommandThatBinds() {
    for (String[] cmd : List.of(
        new String[] {"summary", "--network", "lenet", "--shape", "1,1,28,28", "--kernels"},
        new String[] {"predict", "--symbol", "s.json", "--params", "p.params", "--input", "x",
            "--shape", "1,1,28,28"},
        new String[] {"score", "--model-prefix", "m", "--epoch", "1", "--data", "x.rec"},
        new String[] {"train", "--data", "x.rec"})) {
      String[] withAccel = append(cmd, "--accel", "fast");
      CliRun r = CliRun.of(withAccel);
      assertThat(r.code()).as(String.join(" ", withAccel)).isEqualTo(KindlingCli.EXIT_USAGE);
      assertThat(r.err()).contains("--accel=fast is not a mode; use auto, off or force");
      CliRun t = CliRun.of(append(cmd, "--threads", "none"));
      assertThat(t.code()).isEqualTo(KindlingCli.EXIT_USAGE);
      assertThat(t.err()).contains("--threads=none is not a positive integer");
    }
  }

  private static String[] append(String[] a, String... more) {
    String[] out = java.util.Arrays.copyOf(a, a.length + more.length);
    System.arraycopy(more, 0, out, a.length, more.length);
    return out;
  }
}
