package org.kindling.spark;

import org.apache.spark.SparkConf;

/**
 * Kindling's settings in a Spark application's conf, applied to one JVM of it (the driver when a
 * job starts, an executor before a task computes): the memory cap ({@link MemoryLimit}) and the
 * accelerated CPU kernels ({@link CpuAccelConf}).
 */
public final class KindlingConf {
  private KindlingConf() {}

  /**
   * Applies every Kindling key of {@code conf} to this JVM.
   *
   * @throws IllegalArgumentException naming the key whose value cannot be read
   */
  public static void apply(SparkConf conf) {
    MemoryLimit.apply(conf);
    CpuAccelConf.apply(conf);
  }
}
