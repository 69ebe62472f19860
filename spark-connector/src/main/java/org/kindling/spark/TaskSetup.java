package org.kindling.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.kindling.tensor.kernel.Blas;

/** What every Kindling task does on its executor before it allocates or computes anything. */
final class TaskSetup {
  private TaskSetup() {}

  /**
   * One OpenBLAS thread per core of the task (an executor's concurrent tasks share its cores),
   * and the memory cap of the application's conf ({@link MemoryLimit}).
   */
  static void begin(TaskContext task) {
    Blas.setNumThreads(Math.max(1, task.cpus()));
    MemoryLimit.apply(SparkEnv.get().conf());
  }
}
