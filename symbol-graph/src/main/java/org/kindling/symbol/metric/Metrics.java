package org.kindling.symbol.metric;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.kindling.symbol.spec.Spec;
import org.kindling.symbol.spec.SpecValues;
import org.kindling.tensor.op.Param;

/**
 * Creates metrics by name, as MXNet's {@code mx.metric.create}: registry names in any case with
 * MXNet's aliases ({@code acc}, {@code top_k_accuracy}/{@code top_k_acc}, {@code ce}, {@code
 * nll_loss}, {@code pearsonr}, {@code composite}, ...) and keyword arguments as MXNet's
 * constructors take them, in any text form of {@link Spec}: {@code "acc"}, {@code
 * "top_k_accuracy(top_k=5)"}, {@code "perplexity(ignore_label=None)"}.
 */
public final class Metrics {
  private record Entry(List<Param<?>> params, Function<SpecValues, EvalMetric> factory) {}

  private static final Param<Integer> AXIS = Param.intParam("axis", 1);
  private static final Param<Integer> TOP_K = Param.intParam("top_k", 1);
  private static final Param<Average> AVERAGE =
      Param.enumParam("average", Average.class, Average.MACRO);
  private static final Param<Integer> IGNORE_LABEL =
      Param.requiredInt("ignore_label").optional().required();
  private static final Param<Integer> LAST_AXIS = Param.intParam("axis", -1);
  private static final Param<Double> EPS = Param.doubleParam("eps", 1e-12);

  private static final Map<String, Entry> REGISTRY = registry();
  /** MXNet metrics Kindling does not implement. */
  private static final Set<String> MISSING = Set.of("mcc", "pcc", "custommetric");

  private Metrics() {}

  private static Map<String, Entry> registry() {
    Map<String, Entry> m = new TreeMap<>();
    put(m, new Entry(List.of(), v -> new CompositeEvalMetric()), "compositeevalmetric",
        "composite");
    put(m, new Entry(List.of(AXIS), v -> new Accuracy(v.get(AXIS))), "accuracy", "acc");
    put(m, new Entry(List.of(TOP_K), v -> new TopKAccuracy(v.get(TOP_K))), "topkaccuracy",
        "top_k_accuracy", "top_k_acc");
    put(m, new Entry(List.of(AVERAGE), v -> new F1(v.get(AVERAGE))), "f1");
    put(m, new Entry(List.of(IGNORE_LABEL, LAST_AXIS),
        v -> new Perplexity(v.get(IGNORE_LABEL), v.get(LAST_AXIS))), "perplexity");
    put(m, new Entry(List.of(), v -> new MAE()), "mae");
    put(m, new Entry(List.of(), v -> new MSE()), "mse");
    put(m, new Entry(List.of(), v -> new RMSE()), "rmse");
    put(m, new Entry(List.of(EPS), v -> new CrossEntropy(v.get(EPS))), "crossentropy", "ce");
    put(m, new Entry(List.of(EPS), v -> new NegativeLogLikelihood(v.get(EPS))),
        "negativeloglikelihood", "nll_loss");
    put(m, new Entry(List.of(AVERAGE), v -> new PearsonCorrelation(v.get(AVERAGE))),
        "pearsoncorrelation", "pearsonr");
    for (String loss : List.of("loss", "torch", "caffe")) {
      put(m, new Entry(List.of(), v -> new Loss(loss)), loss);
    }
    return Collections.unmodifiableMap(m);
  }

  private static void put(Map<String, Entry> m, Entry e, String... names) {
    for (String n : names) {
      m.put(n, e);
    }
  }

  /** The registry names and aliases, sorted. */
  public static Set<String> names() {
    return REGISTRY.keySet();
  }

  /**
   * Parses and creates, e.g. {@code create("acc")}, {@code create("top_k_accuracy(top_k=5)")}.
   *
   * @throws IllegalArgumentException for bad syntax, an unknown name, an unknown key or a bad
   *     value, naming it
   */
  public static EvalMetric create(String spec) {
    return create(Spec.parse(spec, "metric"));
  }

  /**
   * Creates from a parsed spec.
   *
   * @throws IllegalArgumentException for an unknown name, an unknown key or a bad value
   */
  public static EvalMetric create(Spec spec) {
    String name = spec.name().toLowerCase(Locale.ROOT);
    Entry e = REGISTRY.get(name);
    if (e == null) {
      throw new IllegalArgumentException("metric '" + spec.name() + "' "
          + (MISSING.contains(name) ? "exists in MXNet but is not implemented in Kindling"
              : "is unknown") + " (available: " + names() + ")");
    }
    try {
      return e.factory().apply(spec.read(e.params()));
    } catch (IllegalArgumentException ex) {
      // constructor checks (top_k > 1) name the metric already; add the spec for context
      throw new IllegalArgumentException(ex.getMessage() + " (spec " + spec + ")", ex);
    }
  }

  /**
   * A composite of several specs, as MXNet's {@code create([...])}.
   *
   * @throws IllegalArgumentException if one of them is bad
   */
  public static CompositeEvalMetric create(List<String> specs) {
    CompositeEvalMetric c = new CompositeEvalMetric();
    specs.forEach(s -> c.add(create(s)));
    return c;
  }
}
