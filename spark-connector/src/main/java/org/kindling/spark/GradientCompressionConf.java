package org.kindling.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.kindling.symbol.kvstore.GradientCompression;

/**
 * Gradient compression of a training job (MXNet's {@code kv.set_gradient_compression}; decision
 * 0027): from {@code --gc-type} and {@code --gc-threshold} (MXNet's {@code fit.py} names), else
 * from the Spark conf keys {@value #TYPE} and {@value #THRESHOLD}, else none.
 */
public final class GradientCompressionConf {
  /** The Spark conf key of the type ({@code 2bit}, {@code fp16} or {@code none}). */
  public static final String TYPE = "spark.kindling.kvstore.gcType";
  /** The Spark conf key of the threshold (default 0.5). */
  public static final String THRESHOLD = "spark.kindling.kvstore.gcThreshold";

  private GradientCompressionConf() {}

  /**
   * Reads a type and a threshold (either may be null: the type defaults to {@code none}, the
   * threshold to 0.5).
   *
   * @param typeName what the type was given as ({@code --gc-type} or the key), for the error
   * @param thresholdName likewise for the threshold
   * @throws IllegalArgumentException naming the option or key whose value is bad
   */
  static GradientCompression parse(String type, String typeName, String threshold,
      String thresholdName) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("type", type == null ? GradientCompression.Type.NONE.mxName() : type);
    if (threshold != null) {
      params.put("threshold", threshold);
    }
    GradientCompression gc;
    try {
      gc = GradientCompression.parse(params);
    } catch (IllegalArgumentException e) {
      String bad = e.getMessage().contains("'threshold'") ? thresholdName + " " + threshold
          : typeName + " " + type;
      throw new IllegalArgumentException(bad + ": " + e.getMessage(), e);
    }
    if (threshold != null && !gc.enabled()) {
      throw new IllegalArgumentException(thresholdName + " " + threshold + " needs " + typeName
          + " 2bit: without compression there is no threshold");
    }
    return gc;
  }

  /**
   * The job's compression: the config's if it has one, else the Spark conf's, else none.
   *
   * @throws IllegalArgumentException naming the Spark conf key whose value is bad
   */
  static GradientCompression resolve(TrainConfig config, SparkConf conf) {
    if (config.gradientCompression() != null) {
      return config.gradientCompression();
    }
    return parse(conf.get(TYPE, null), TYPE, conf.get(THRESHOLD, null), THRESHOLD);
  }
}
