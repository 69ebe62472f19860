package org.kindling.symbol.init;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kindling.symbol.spec.Spec;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.op.Param;

/**
 * Creates initializers from specs, as MXNet's {@code mx.init.create}: by registry name (any
 * case; {@code zero}/{@code zeros}, {@code one}/{@code ones}, {@code constant}, {@code
 * uniform}, {@code normal}, {@code xavier}, {@code msraprelu}, {@code bilinear}, {@code
 * lstmbias}) with keyword arguments typed as MXNet's constructors take them. Accepts every text
 * form of {@link Spec}, among them the JSON MXNet writes into {@code __init__} attributes.
 */
public final class Initializers {
  private interface Factory {
    WeightInitializer create(SpecValues values, long seed);
  }

  private record Entry(List<Param<?>> params, Factory factory) {}

  private static final Map<String, Entry> REGISTRY = registry();
  /** MXNet initializers Kindling does not implement. */
  private static final Set<String> MISSING = Set.of("orthogonal", "fusedrnn");

  private Initializers() {}

  private static Map<String, Entry> registry() {
    Map<String, Entry> m = new TreeMap<>();
    Entry zero = new Entry(List.of(), (v, s) -> new Zero());
    Entry one = new Entry(List.of(), (v, s) -> new One());
    m.put("zero", zero);
    m.put("zeros", zero);
    m.put("one", one);
    m.put("ones", one);
    m.put("constant", new Entry(Constant.PARAMS, Constant::fromSpec));
    m.put("uniform", new Entry(Uniform.PARAMS, Uniform::fromSpec));
    m.put("normal", new Entry(Normal.PARAMS, Normal::fromSpec));
    m.put("xavier", new Entry(Xavier.PARAMS, Xavier::fromSpec));
    m.put("msraprelu", new Entry(MSRAPrelu.PARAMS, MSRAPrelu::fromSpec));
    m.put("bilinear", new Entry(List.of(), (v, s) -> new Bilinear()));
    m.put("lstmbias", new Entry(LSTMBias.PARAMS, LSTMBias::fromSpec));
    return Collections.unmodifiableMap(m);
  }

  /** The registry names, sorted. */
  public static Set<String> names() {
    return REGISTRY.keySet();
  }

  /**
   * Parses and creates, e.g. {@code create("xavier(rnd_type=gaussian, magnitude=2)", 7)} or
   * {@code create("[\"normal\", {\"sigma\": 0.5}]", 7)}.
   *
   * @param seed the seed of random initializers (ignored by the others)
   * @throws IllegalArgumentException for bad syntax, an unknown name, an unknown key or a bad
   *     value, naming it
   */
  public static WeightInitializer create(String spec, long seed) {
    return create(Spec.parse(spec, "initializer"), seed);
  }

  /**
   * Creates from a parsed spec.
   *
   * @throws IllegalArgumentException for an unknown name, an unknown key or a bad value
   */
  public static WeightInitializer create(Spec spec, long seed) {
    String name = spec.name().toLowerCase(Locale.ROOT);
    Entry e = REGISTRY.get(name);
    if (e == null) {
      throw new IllegalArgumentException("initializer '" + spec.name() + "' "
          + (MISSING.contains(name) ? "exists in MXNet but is not implemented in Kindling"
              : "is unknown") + " (available: " + names() + ")");
    }
    return e.factory().create(spec.read(e.params()), seed);
  }
}
