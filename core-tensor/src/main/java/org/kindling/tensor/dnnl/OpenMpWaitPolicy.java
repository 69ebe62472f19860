package org.kindling.tensor.dnnl;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the OpenMP threads of oneDNN's libgomp sleep, not spin, once a parallel region ends
 * ({@code OMP_WAIT_POLICY=passive}), unless the process's environment already says otherwise.
 *
 * <p>Why: each engine worker that calls oneDNN owns its own libgomp team. With the default
 * (active) policy the helper threads of one worker's team spin for a while after each call, and
 * at batch 1, where a layer takes well under a millisecond and consecutive layers ran on
 * alternating workers, they took the cores the next call's team needed. Measured on the 2-core
 * reference machine (docs/benchmarks.md, 2026-12-02 afternoon): ResNet-50 at batch 1 scored
 * 11.5 images/s active and 15.2 passive, AlexNet 31 and 41; batch 64 did not move. The engine
 * now keeps a chain of layers on one worker (successor affinity, {@code ThreadedEngine}), but
 * consecutive passes, a graph's branches and concurrent tasks still use both workers' teams, and
 * a spinning team takes the cores from every other thread of a shared machine: with the chain on
 * one team, ResNet-18 at batch 1 scored 4.2 and 4.4 images/s active against 31.2 and 11.9
 * passive under a load average of 15 (docs/benchmarks.md, 2026-12-02 evening). libgomp reads
 * the variable once, when it is loaded, so this runs before oneDNN's natives load and does
 * nothing (but say so) if some other library loaded libgomp first.
 */
final class OpenMpWaitPolicy {
  static final String VARIABLE = "OMP_WAIT_POLICY";
  private static final Logger LOG = LoggerFactory.getLogger(OpenMpWaitPolicy.class);

  /** The C library's environment calls (Java's {@code System.getenv} is a copy made at start). */
  interface LibC extends Library {
    String getenv(String name);

    int setenv(String name, String value, int overwrite);
  }

  private OpenMpWaitPolicy() {}

  /**
   * Sets {@value #VARIABLE} to {@code passive} in the process's environment if it is unset and
   * libgomp is not loaded yet; call it once, before oneDNN's natives load.
   *
   * @return the policy libgomp will read: the environment's, or {@code passive}
   */
  static String preferPassive() {
    LibC libc = Native.load("c", LibC.class);
    String set = libc.getenv(VARIABLE);
    if (set != null) {
      return set;
    }
    for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
      if (e.getKey().contains("gomp") && e.getValue() != null) {
        LOG.info("libgomp was loaded before oneDNN; its threads keep OpenMP's default wait"
            + " policy (set {}=passive before starting the JVM for faster small batches)",
            VARIABLE);
        return "unset";
      }
    }
    libc.setenv(VARIABLE, "passive", 0);
    return libc.getenv(VARIABLE);
  }
}
