package org.kindling.spark;

import org.apache.spark.SparkEnv;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.kernel.Blas;

/** What every Kindling task does on its executor before it allocates or computes anything. */
final class TaskSetup {
  private TaskSetup() {}

  /**
   * OpenBLAS's threads from the thread budget (its thread count is process-wide, and an
   * executor's concurrent tasks share one engine: decision 0012), and the memory cap and the
   * accelerated kernels' settings of the application's conf ({@link KindlingConf}).
   */
  static void begin() {
    begin(0);
  }

  /**
   * {@link #begin()}, budgeting the executor's own cores: with {@code executorCores > 0} and no
   * {@code -Dkindling.cores} given, this JVM's thread budget counts {@code executorCores}
   * (at most its available processors) instead of every processor of the host, so that an
   * executor of one core on a shared host runs one engine worker, not one per host core
   * (docs/decisions/0064). It takes effect when the process-wide engine is created, which is
   * after the first task's setup unless something computed in this JVM before.
   *
   * @param executorCores the executor's cores as the driver knows them, 0 if unknown
   */
  static void begin(int executorCores) {
    if (executorCores > 0 && System.getProperty(ThreadBudget.CORES) == null
        && SparkEnv.get() != null && !"driver".equals(SparkEnv.get().executorId())) {
      int cores = Math.min(executorCores, Runtime.getRuntime().availableProcessors());
      System.setProperty(ThreadBudget.CORES, Integer.toString(cores));
    }
    Blas.setNumThreads(ThreadBudget.fromSystemProperties().blasThreads());
    KindlingConf.apply(SparkEnv.get().conf());
  }
}
