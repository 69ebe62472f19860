package org.kindling.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import org.kindling.tensor.storage.Storage;

/**
 * The cap on Kindling's native array memory in a Spark application: the Spark conf key {@value
 * #KEY}, in Spark's size syntax ({@code 512m}, {@code 2g}; a bare number is bytes). It applies to
 * every JVM of the application: the driver when a job starts ({@link TrainJob#run}, {@link
 * KindlingModel#transform}) and each executor before a task's first allocation. Without the key
 * the cap is the JVM's default ({@code -Dkindling.memory.limit}, else {@code -Xmx}). An executor
 * needs {@code spark.executor.memoryOverhead} of at least the cap, since the arrays live outside
 * the Java heap.
 */
public final class MemoryLimit {

  /** The Spark conf key. */
  public static final String KEY = "spark.kindling.memory.limit";

  /** What the limit error tells the user to raise. */
  private static final String SETTING = KEY + "=SIZE (with spark.executor.memoryOverhead to match)";

  private MemoryLimit() {}

  /**
   * Parses a size in Spark's syntax.
   *
   * @param what the setting, for the error message (e.g. the key or {@code --memory-limit})
   * @throws IllegalArgumentException naming {@code what} if {@code value} is not a positive size
   */
  public static long parse(String value, String what) {
    long bytes;
    try {
      bytes = JavaUtils.byteStringAsBytes(value);
    } catch (RuntimeException e) {
      bytes = -1; // NumberFormatException, or the IllegalStateException of an overflowing size
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException(what + "=" + value
          + " is not a positive size such as 512m or 2g");
    }
    return bytes;
  }

  /** Sets this JVM's cap from {@code conf}: the key's value, or the default without it. */
  public static void apply(SparkConf conf) {
    apply(conf, Storage.get());
  }

  /** As {@link #apply(SparkConf)} for a given pool. */
  static void apply(SparkConf conf, Storage pool) {
    if (conf.contains(KEY)) {
      pool.setLimit(parse(conf.get(KEY), KEY), SETTING);
    } else {
      pool.resetLimit();
    }
  }
}
