package org.kindling.symbol.kvstore;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The gradient compression a {@link KVStore} applies to pushed gradients, as MXNet's {@code
 * kv.set_gradient_compression({'type': '2bit', 'threshold': 0.5})} (formats.md §5.5): with
 * {@link Type#TWO_BIT} every element of a pushed array becomes one of {@code +threshold}, {@code
 * -threshold} or 0, packed 16 to a 32-bit word, and what the code leaves out stays in a residual
 * on the sender that is added to the next push of the key. Pulls and initial values stay
 * float32. {@link Type#FP16} (Kindling's, not MXNet's) carries a dist store's pushes and pulls
 * as IEEE 754 half precision instead: half the bytes, summed in float32 on the server.
 *
 * @param type {@link Type#NONE} (off, the default), {@link Type#TWO_BIT} or {@link Type#FP16}
 * @param threshold the magnitude of a non-zero code, finite and {@code > 0} (MXNet's default 0.5)
 */
public record GradientCompression(Type type, float threshold) implements Serializable {

  /** The compression schemes, by MXNet's names. */
  public enum Type {
    /** Pushes go as float32 (Kindling's name for "no compression"; MXNet has no type). */
    NONE("none"),
    /** MXNet's 2-bit scheme: 16 elements per 32-bit word, residual kept on the sender. */
    TWO_BIT("2bit"),
    /**
     * Kindling's float16 transport: pushed and pulled values cross the wire as IEEE half
     * (rounded to nearest even); no residual, no threshold.
     */
    FP16("fp16");

    private final String mxName;

    Type(String mxName) {
      this.mxName = mxName;
    }

    /** The name in MXNet's {@code compression_params} ({@code fp16} is Kindling's own). */
    public String mxName() {
      return mxName;
    }
  }

  /** MXNet's default threshold. */
  public static final float DEFAULT_THRESHOLD = 0.5f;

  /** No compression. */
  public static final GradientCompression NONE =
      new GradientCompression(Type.NONE, DEFAULT_THRESHOLD);

  /**
   * @throws IllegalArgumentException if the threshold is not finite and positive
   */
  public GradientCompression {
    Objects.requireNonNull(type, "type");
    if (!(threshold > 0) || !Float.isFinite(threshold)) {
      throw new IllegalArgumentException("gradient compression parameter 'threshold' must be a"
          + " finite number > 0 (MXNet's default is 0.5), got " + threshold);
    }
  }

  /** MXNet's 2-bit compression with {@code threshold}. */
  public static GradientCompression twoBit(float threshold) {
    return new GradientCompression(Type.TWO_BIT, threshold);
  }

  /** Kindling's float16 transport. */
  public static GradientCompression fp16() {
    return new GradientCompression(Type.FP16, DEFAULT_THRESHOLD);
  }

  /**
   * Reads MXNet's {@code compression_params}: {@code type} ({@code 2bit}, {@code fp16} or {@code
   * none}, required) and {@code threshold} (a number {@code > 0}, default 0.5; 2bit only).
   *
   * @throws IllegalArgumentException naming the parameter that is missing, unknown or malformed
   */
  public static GradientCompression parse(Map<String, String> params) {
    Objects.requireNonNull(params, "params");
    for (String k : params.keySet()) {
      if (!k.equals("type") && !k.equals("threshold")) {
        throw new IllegalArgumentException("unknown gradient compression parameter '" + k
            + "'; the parameters are 'type' (2bit, fp16 or none) and 'threshold'");
      }
    }
    String t = params.get("type");
    if (t == null) {
      throw new IllegalArgumentException("gradient compression parameter 'type' is required:"
          + " '2bit', 'fp16' or 'none'");
    }
    Type type = null;
    for (Type candidate : Type.values()) {
      if (candidate.mxName.equals(t.trim().toLowerCase(Locale.ROOT))) {
        type = candidate;
      }
    }
    if (type == null) {
      throw new IllegalArgumentException("gradient compression parameter 'type' must be '2bit',"
          + " 'fp16' or 'none', got '" + t + "'");
    }
    float threshold = DEFAULT_THRESHOLD;
    String th = params.get("threshold");
    if (th != null && type == Type.FP16) {
      throw new IllegalArgumentException("gradient compression parameter 'threshold' belongs to"
          + " 2bit; fp16 has none");
    }
    if (th != null) {
      try {
        threshold = Float.parseFloat(th.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("gradient compression parameter 'threshold' must be a"
            + " number, got '" + th + "'", e);
      }
    }
    return new GradientCompression(type, threshold);
  }

  /** True unless the type is {@link Type#NONE}. */
  public boolean enabled() {
    return type != Type.NONE;
  }

  /** The parameters as MXNet's {@code compression_params} (what {@link #parse} reads). */
  public Map<String, String> params() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("type", type.mxName());
    if (type != Type.FP16) {
      m.put("threshold", Float.toString(threshold));
    }
    return m;
  }

  @Override
  public String toString() {
    return type == Type.TWO_BIT ? type.mxName() + "(threshold=" + threshold + ")"
        : type.mxName();
  }
}
