package org.kindling.symbol.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.callback.EarlyStopping.Mode;
import org.kindling.symbol.callback.TrainingCallback.Action;
import org.kindling.symbol.metric.MetricValue;

class EarlyStoppingTest {
  static final Symbol NET = Symbol.variable("data");

  static EpochEndParam epoch(int epoch, List<MetricValue> train, List<MetricValue> eval) {
    return new EpochEndParam(epoch, NET, Map.of(), Map.of(), train, eval, 1.0);
  }

  /** The actions for a scripted sequence of one evaluation metric's values. */
  private static List<Action> run(EarlyStopping es, String metric, double... values) {
    List<Action> out = new ArrayList<>();
    for (int e = 0; e < values.length; e++) {
      out.add(es.epochEnd(epoch(e, List.of(new MetricValue("accuracy", 0.1)),
          List.of(new MetricValue(metric, values[e])))));
    }
    return out;
  }

  @Test
  void maxModeNeedsMoreThanMinDeltaAndStopsAfterPatienceEpochs() {
    EarlyStopping es = EarlyStopping.builder("val_accuracy").mode(Mode.MAX).minDelta(0.01)
        .patience(2).build();
    assertThat(run(es, "accuracy", 0.5, 0.6, 0.605, 0.608))
        .containsExactly(Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.STOP);
    assertThat(es.best()).isEqualTo(0.6);
    assertThat(es.waited()).isEqualTo(2);
    assertThat(es.stoppedEpoch()).hasValue(3);
  }

  @Test
  void minModeWithPatienceZeroStopsAtTheFirstEpochWithoutImprovement() {
    EarlyStopping es = EarlyStopping.builder("val_loss").mode(Mode.MIN).build();
    assertThat(run(es, "loss", 1.0, 0.8, 0.85))
        .containsExactly(Action.CONTINUE, Action.CONTINUE, Action.STOP);
    assertThat(es.stoppedEpoch()).hasValue(2);
  }

  @Test
  void anImprovementResetsTheWait() {
    EarlyStopping es = EarlyStopping.builder("val_loss").patience(2).build();
    assertThat(run(es, "loss", 1.0, 1.1, 0.9, 1.0, 0.95))
        .containsExactly(Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.CONTINUE,
            Action.STOP);
    assertThat(es.best()).isEqualTo(0.9);
  }

  @Test
  void theBaselineMustBeBeaten() {
    EarlyStopping es = EarlyStopping.builder("val_accuracy").baseline(0.9).patience(1).build();
    assertThat(run(es, "accuracy", 0.85)).containsExactly(Action.STOP);
    es.reset();
    assertThat(es.stoppedEpoch()).isEmpty();
    assertThat(run(es, "accuracy", 0.95, 0.94)).containsExactly(Action.CONTINUE, Action.STOP);
  }

  @Test
  void nanEpochsAreNotCounted() {
    EarlyStopping es = EarlyStopping.builder("val_loss").patience(1).build();
    assertThat(run(es, "loss", 1.0, Double.NaN, Double.NaN, 0.5))
        .containsOnly(Action.CONTINUE);
    assertThat(es.waited()).isZero();
    assertThat(es.best()).isEqualTo(0.5);
  }

  @Test
  void trainingMetricsCanBeMonitoredToo() {
    EarlyStopping es = EarlyStopping.builder("train_accuracy").build();
    // run() reports train accuracy 0.1 every epoch: no improvement after the first
    assertThat(run(es, "loss", 3, 2)).containsExactly(Action.CONTINUE, Action.STOP);
  }

  @Test
  void autoModeMaximizesAccuracyLikeMetricsAndMinimizesTheRest() {
    assertThat(EarlyStopping.builder("val_accuracy").build().maximizes()).isTrue();
    assertThat(EarlyStopping.builder("val_top_k_accuracy_5").build().maximizes()).isTrue();
    assertThat(EarlyStopping.builder("val_f1").build().maximizes()).isTrue();
    assertThat(EarlyStopping.builder("train_cross-entropy").build().maximizes()).isFalse();
    assertThat(EarlyStopping.builder("val_mse").build().maximizes()).isFalse();
    assertThat(EarlyStopping.builder("val_perplexity").build().maximizes()).isFalse();
    assertThat(EarlyStopping.builder("val_accuracy").mode(Mode.MIN).build().maximizes())
        .isFalse();
  }

  @Test
  void aMissingMonitorOrBadSettingsAreClearErrors() {
    EarlyStopping es = EarlyStopping.builder("val_accuracy").build();
    assertThatThrownBy(() -> es.epochEnd(epoch(0, List.of(new MetricValue("accuracy", 1)),
        List.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'val_accuracy'")
        .hasMessageContaining("[train_accuracy]");
    assertThatThrownBy(() -> EarlyStopping.builder("x").minDelta(-0.1).build())
        .hasMessageContaining("minDelta -0.1");
    assertThatThrownBy(() -> EarlyStopping.builder("x").patience(-1).build())
        .hasMessageContaining("patience -1");
    assertThatThrownBy(() -> EarlyStopping.builder("x").baseline(Double.NaN).build())
        .hasMessageContaining("baseline");
  }
}
