package org.kindling.symbol.init;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.kindling.symbol.spec.Spec;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * An initializer as MXNet's {@code mx.init.Initializer} ({@code Initializer.__call__} with an
 * {@code InitDesc}, MXNet 1.9.1): a variable's {@code __init__} attribute, when present, is an
 * initializer spec whose weight rule fills the parameter whatever its name; otherwise the name
 * decides — a name ending in {@code weight} gets this initializer's weight rule, {@code bias},
 * {@code beta} and {@code min} get zeros, {@code gamma} and {@code max} get ones. MXNet's
 * BatchNorm tags its auxiliary states with {@code __init__} attributes when composed (zero for
 * {@code moving_mean}, one for {@code moving_var}); Kindling's symbols do not carry them, so
 * here the names stand in, as in MXNet's legacy name rules: {@code moving_mean}, {@code
 * moving_inv_var}, {@code moving_avg} get zeros and {@code moving_var} ones. Any other name is
 * an error, as in MXNet.
 *
 * <p>Random rules are seeded: each parameter draws from a {@link SplittableRandom} derived from
 * the seed and the parameter's name, so values do not depend on the order parameters are
 * visited. An {@code __init__} spec is created with this initializer's seed.
 */
public abstract class WeightInitializer extends Initializer {
  private enum Fill {
    WEIGHT,
    ZERO,
    ONE
  }

  /** Name suffixes in MXNet's order of tests. */
  private static final Map<String, Fill> SUFFIXES = suffixes();

  private final long seed;

  /** @param seed the seed for random rules (ignored by deterministic ones) */
  protected WeightInitializer(long seed) {
    this.seed = seed;
  }

  private static Map<String, Fill> suffixes() {
    Map<String, Fill> m = new LinkedHashMap<>();
    m.put("weight", Fill.WEIGHT);
    m.put("bias", Fill.ZERO);
    m.put("gamma", Fill.ONE);
    m.put("beta", Fill.ZERO);
    m.put("min", Fill.ZERO);
    m.put("max", Fill.ONE);
    m.put("moving_mean", Fill.ZERO);
    m.put("moving_var", Fill.ONE);
    m.put("moving_inv_var", Fill.ZERO);
    m.put("moving_avg", Fill.ZERO);
    return m;
  }

  /** The seed. */
  public final long seed() {
    return seed;
  }

  @Override
  public final void init(InitDesc desc, NDArray array) {
    String name = desc.name();
    if (array.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException("parameter '" + name + "' is "
          + array.dtype().numpyName() + "; initializers fill float32 arrays");
    }
    Shape shape = array.shape();
    float[] values = new float[shape.intSize()];
    String own = desc.initSpec();
    if (own != null) {
      WeightInitializer init;
      try {
        init = Initializers.create(own, seed);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("parameter '" + name + "': its "
            + InitDesc.INIT_ATTR + " attribute: " + e.getMessage(), e);
      }
      init.fillWeight(name, shape, values);
    } else {
      switch (fillFor(name)) {
        case WEIGHT -> fillWeight(name, shape, values);
        case ONE -> Arrays.fill(values, 1f);
        case ZERO -> { } // already zero
      }
    }
    array.set(values);
  }

  private static Fill fillFor(String name) {
    for (Map.Entry<String, Fill> e : SUFFIXES.entrySet()) {
      if (name.endsWith(e.getKey())) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException("unknown initialization pattern for '" + name
        + "': names must end in one of " + SUFFIXES.keySet() + " (MXNet's rules); route other "
        + "names with Mixed");
  }

  /** Fills {@code out} by this initializer's weight rule, naming the parameter on error. */
  final void fillWeight(String name, Shape shape, float[] out) {
    try {
      initWeight(shape, out, random(name));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter '" + name + "': " + e.getMessage(), e);
    }
  }

  /** A generator for parameter {@code name}, fixed by the seed and the name. */
  private SplittableRandom random(String name) {
    long h = 1125899906842597L;
    for (int i = 0; i < name.length(); i++) {
      h = 31 * h + name.charAt(i);
    }
    return new SplittableRandom(seed ^ (h * 0x9E3779B97F4A7C15L));
  }

  /**
   * Fills {@code out} (row-major, {@code shape}) for a weight.
   *
   * @throws IllegalArgumentException if the rule does not apply to the shape
   */
  protected abstract void initWeight(Shape shape, float[] out, SplittableRandom rnd);

  /** The registry name and arguments, as MXNet's {@code dumps()} would give them. */
  public abstract Spec spec();

  /** MXNet's {@code dumps()}: the JSON form of {@link #spec()}, e.g. {@code ["zero", {}]}. */
  public final String dumps() {
    return spec().toJson();
  }

  /** The call form of {@link #spec()}, e.g. {@code normal(sigma=0.01)}. */
  @Override
  public String toString() {
    return spec().toString();
  }
}
