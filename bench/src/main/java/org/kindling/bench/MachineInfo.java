package org.kindling.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.openblas.global.openblas_full;
import org.kindling.tensor.kernel.Blas;

/**
 * The machine line that every recorded result carries: CPU model, cores, Java version and the
 * OpenBLAS kernel in use, with the environment variables that chose it. The kernel is read from
 * the running library, because {@code OPENBLAS_CORETYPE} can force a slower one than the CPU
 * supports.
 */
public final class MachineInfo {
  /** The environment variables that steer OpenBLAS's kernel choice on this kind of machine. */
  public static final List<String> OPENBLAS_ENV = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

  private MachineInfo() {}

  /** Prints {@link #line()}. */
  public static void main(String[] args) {
    System.out.println(line());
  }

  /**
   * One line: {@code CPU <model>, <n> cores, Java <version>, OpenBLAS <config>, kernel <name>
   * (<threads> threads), <setting>}.
   */
  public static String line() {
    return "CPU " + cpuModel(Path.of("/proc/cpuinfo"))
        + ", " + Runtime.getRuntime().availableProcessors() + " cores"
        + ", Java " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vm.name") + ")"
        + ", " + openblasConfig()
        + ", kernel " + Blas.coreName()
        + " (" + Blas.numThreads() + " threads)"
        + ", " + openblasSetting(System.getenv());
  }

  /** The OpenBLAS build line ({@code openblas_get_config()}), e.g. version and DYNAMIC_ARCH. */
  public static String openblasConfig() {
    return openblas_full.openblas_get_config().getString().strip();
  }

  /** The CPU's {@code model name} from a {@code /proc/cpuinfo}-style file, or "unknown CPU". */
  public static String cpuModel(Path cpuinfo) {
    try {
      for (String l : Files.readAllLines(cpuinfo)) {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).strip().equals("model name")) {
          return l.substring(colon + 1).strip();
        }
      }
    } catch (IOException e) {
      // a machine line without the model is still worth printing; say why it is missing
      return "unknown CPU (" + cpuinfo + ": " + e.getMessage() + ")";
    }
    return "unknown CPU (no model name in " + cpuinfo + ")";
  }

  /**
   * How OpenBLAS was steered: e.g. {@code OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512}, or
   * {@code OPENBLAS_CORETYPE unset, OPENBLAS_L2_SIZE unset} when the library chose by itself.
   */
  public static String openblasSetting(Map<String, String> env) {
    StringBuilder sb = new StringBuilder();
    for (String name : OPENBLAS_ENV) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String v = env.get(name);
      sb.append(name).append(v == null ? " unset" : "=" + v);
    }
    return sb.toString();
  }
}
