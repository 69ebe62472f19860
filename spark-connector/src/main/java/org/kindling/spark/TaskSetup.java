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
    Blas.setNumThreads(ThreadBudget.fromSystemProperties().blasThreads());
    KindlingConf.apply(SparkEnv.get().conf());
  }
}
