package org.kindling.bench.kvstore;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Only the distributed MLP step of {@link KVStoreBench}: {@code DistStepMain work steps
 * [epochs]}, {@code steps} an epoch, the last of {@code epochs} (default 2) timed, the ones before
 * it the warm-up (issue 10 reads {@code 500 5}: 2,000 steps of warm-up, which the driver's
 * server path needs to be compiled on a loaded machine; docs/decisions/0074).
 */
public final class DistStepMain {
  private DistStepMain() {}

  public static void main(String[] args) throws Exception {
    DistStepBench.Result r = DistStepBench.run(Path.of(args[0]), 128, Integer.parseInt(args[1]),
        args.length > 2 ? Integer.parseInt(args[2]) : 2);
    System.out.printf(Locale.ROOT, "single %.2f ms/step, dist %.2f ms/step (%.2fx), comm+wait"
        + " %.2f ms, server wait %.2f ms/step, pushed %.0f B/step; CPU ms/step: single %.2f,"
        + " dist driver %.2f + executors %.2f%n", r.singleMs(), r.distMs(),
        r.distMs() / r.singleMs(), r.distMs() - r.singleMs(), r.waitMs(), r.pushedBytes(),
        r.singleCpuMs(), r.driverCpuMs(), r.executorCpuMs());
  }
}
