package org.kindling.symbol.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.Shape;

/** {@link Metrics#create}: MXNet's registry names, aliases and keyword arguments. */
class MetricsTest {
  @Test
  void namesAndAliasesGiveMxnetsMetricsAndReportedNames() {
    Map<String, String> reported = Map.ofEntries(
        Map.entry("acc", "accuracy"), Map.entry("Accuracy", "accuracy"),
        Map.entry("top_k_accuracy(top_k=5)", "top_k_accuracy_5"),
        Map.entry("top_k_acc(top_k=3)", "top_k_accuracy_3"),
        Map.entry("TopKAccuracy(top_k=2)", "top_k_accuracy_2"),
        Map.entry("ce", "cross-entropy"), Map.entry("crossentropy", "cross-entropy"),
        Map.entry("nll_loss", "nll-loss"), Map.entry("negativeloglikelihood", "nll-loss"),
        Map.entry("perplexity(ignore_label=None)", "perplexity"),
        Map.entry("perplexity(ignore_label=-1, axis=1)", "perplexity"),
        Map.entry("mse", "mse"), Map.entry("mae", "mae"), Map.entry("rmse", "rmse"),
        Map.entry("f1", "f1"), Map.entry("f1(average=micro)", "f1"),
        Map.entry("pearsonr", "pearsonr"), Map.entry("pearsoncorrelation", "pearsonr"),
        Map.entry("loss", "loss"), Map.entry("torch", "torch"), Map.entry("caffe", "caffe"),
        Map.entry("composite", "composite"));
    reported.forEach((spec, name) ->
        assertThat(Metrics.create(spec).name()).as(spec).isEqualTo(name));
    assertThat(Metrics.create("acc")).isInstanceOf(Accuracy.class);
    assertThat(Metrics.create("[\"ce\", {\"eps\": 0.001}]")).isInstanceOf(CrossEntropy.class);
    assertThat(((CrossEntropy) Metrics.create("ce(eps=1e-3)")).eps()).isEqualTo(1e-3);
    assertThat(Metrics.create("{\"metric\": \"top_k_acc\", \"top_k\": 4}").name())
        .isEqualTo("top_k_accuracy_4");
  }

  @Test
  void argumentsReachTheMetrics() {
    EvalMetric acc = Metrics.create("acc(axis=0)");
    // classes along axis 0: argmax per column
    acc.update(List.of(TestArrays.f32(Shape.of(2), 1, 0)),
        List.of(TestArrays.f32(Shape.of(2, 2), 0.1, 0.9, 0.8, 0.2)));
    assertThat(acc.get().value()).isEqualTo(1.0);
    F1 micro = (F1) Metrics.create("f1(average=micro)");
    micro.update(List.of(TestArrays.f32(Shape.of(2), 1, 1)),
        List.of(TestArrays.f32(Shape.of(2, 2), 0.9, 0.1, 0.2, 0.8)));
    assertThat(micro.numInst()).isEqualTo(2); // rows, the micro count
  }

  @Test
  void aListMakesAComposite() {
    CompositeEvalMetric c = Metrics.create(List.of("acc", "ce", "top_k_accuracy(top_k=2)"));
    assertThat(c.metrics()).extracting(EvalMetric::name)
        .containsExactly("accuracy", "cross-entropy", "top_k_accuracy_2");
  }

  @Test
  void badSpecsAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> Metrics.create("top_k_accuracy"))
        .hasMessageContaining("top_k must be > 1");
    assertThatThrownBy(() -> Metrics.create("perplexity"))
        .hasMessageContaining("required key 'ignore_label'");
    assertThatThrownBy(() -> Metrics.create("acc(axes=1)"))
        .hasMessageContaining("unknown key 'axes'").hasMessageContaining("keys: axis");
    assertThatThrownBy(() -> Metrics.create("acc(axis=one)"))
        .hasMessageContaining("axis").hasMessageContaining("'one'");
    assertThatThrownBy(() -> Metrics.create("f1(average=weighted)"))
        .hasMessageContaining("average").hasMessageContaining("'micro'");
    assertThatThrownBy(() -> Metrics.create("mcc"))
        .hasMessageContaining("'mcc' exists in MXNet but is not implemented");
    assertThatThrownBy(() -> Metrics.create("accuracy5"))
        .hasMessageContaining("'accuracy5' is unknown").hasMessageContaining("top_k_acc");
  }
}
