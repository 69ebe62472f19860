package org.kindling.symbol.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Specs of every optimizer and scheduler round-trip; bad specs fail naming the key. */
class OptimizerSpecTest {
  @TestFactory
  Stream<DynamicTest> everyOptimizerRoundTripsThroughItsSpec() {
    return OptimizersMatchPythonTest.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
        () -> {
          BaseOptimizer o = c.kindling().get();
          Optimizer back = Optimizers.fromSpec(o.spec());
          assertThat(back).isInstanceOf(o.getClass());
          assertThat(back.spec()).isEqualTo(o.spec());
        }));
  }

  @Test
  void specsNameEveryParameterAndScheduler() {
    assertThat(Adam.builder().build().spec()).isEqualTo("adam learning_rate=0.001 beta1=0.9 "
        + "beta2=0.999 epsilon=0.00000001 wd=0 rescale_grad=1 clip_gradient=-1");
    String multi = "sgd momentum=0.9 wd=0 rescale_grad=1 clip_gradient=-1 begin_num_update=3 "
        + "lr_scheduler=multifactor lr_scheduler.step=10,20 lr_scheduler.factor=0.5 "
        + "lr_scheduler.base_lr=0.2 lr_scheduler.warmup_steps=2 lr_scheduler.warmup_begin_lr=0.1 "
        + "lr_scheduler.warmup_mode=constant lr_mult.fc1_bias=2 wd_mult.fc1_bias=0.5";
    BaseOptimizer o = (BaseOptimizer) Optimizers.fromSpec(multi);
    assertThat(o.spec()).isEqualTo(multi);
    assertThat(o.learningRate()).as("the scheduler's base without learning_rate").isEqualTo(0.2);
    assertThat(o.lrScheduler()).isInstanceOf(MultiFactorScheduler.class);
    assertThat(o.lrMult()).containsEntry("fc1_bias", 2.0);
    for (String s : new String[] {
        "rmsprop learning_rate=0.01 gamma1=0.95 gamma2=0.9 epsilon=0.0001 centered=true "
            + "clip_weights=2 wd=0 rescale_grad=1 clip_gradient=1 lr_scheduler=poly "
            + "lr_scheduler.max_update=100 lr_scheduler.pwr=1 lr_scheduler.final_lr=0.001 "
            + "lr_scheduler.base_lr=0.05 lr_scheduler.warmup_steps=0 "
            + "lr_scheduler.warmup_begin_lr=0 lr_scheduler.warmup_mode=linear",
        "lamb learning_rate=0.002 beta1=0.9 beta2=0.999 epsilon=0.000001 lower_bound=0.1 "
            + "upper_bound=10 bias_correction=false wd=0.01 rescale_grad=0.5 clip_gradient=-1 "
            + "lr_scheduler=cosine lr_scheduler.max_update=50 lr_scheduler.final_lr=0 "
            + "lr_scheduler.base_lr=0.01 lr_scheduler.warmup_steps=5 "
            + "lr_scheduler.warmup_begin_lr=0.001 lr_scheduler.warmup_mode=linear",
        "adagrad learning_rate=0.1 eps=0.0000001 wd=0 rescale_grad=1 clip_gradient=-1 "
            + "lr_scheduler=factor lr_scheduler.step=5 lr_scheduler.factor=0.9 "
            + "lr_scheduler.stop_factor_lr=0.00000001 lr_scheduler.base_lr=0.01 "
            + "lr_scheduler.warmup_steps=0 lr_scheduler.warmup_begin_lr=0 "
            + "lr_scheduler.warmup_mode=linear"}) {
      assertThat(Optimizers.fromSpec(s).spec()).isEqualTo(s);
    }
  }

  @Test
  void badSpecsNameTheKey() {
    String[][] bad = {
        {"adam beta1=x", "parameter beta1 has a non-numeric value 'x'"},
        {"adam beta1=1", "beta1=1.0 must be in [0, 1)"},
        {"adam momentum=0.9", "unknown adam parameter 'momentum'"},
        {"rmsprop centered=maybe", "parameter centered has a value 'maybe'"},
        {"sgd begin_num_update=1.5", "parameter begin_num_update"},
        {"sgd lr=0.1 learning_rate=0.2", "parameter lr repeats learning_rate"},
        {"sgd lr_mult.fc1_bias=x", "parameter lr_mult.fc1_bias"},
        {"sgd lr_scheduler=step", "unknown scheduler 'step'"},
        {"sgd lr_scheduler.step=3", "lr_scheduler.step is given without lr_scheduler"},
        {"sgd lr_scheduler=factor", "lr_scheduler.step the factor scheduler needs a step"},
        {"sgd lr_scheduler=factor lr_scheduler.step=2 lr_scheduler.max_update=3",
            "unknown factor scheduler parameter 'lr_scheduler.max_update'"},
        {"sgd lr_scheduler=multifactor lr_scheduler.step=5,3", "must increase"},
        {"sgd lr_scheduler=multifactor lr_scheduler.step=5,x", "lr_scheduler.step"},
        {"sgd lr_scheduler=factor lr_scheduler.step=2 lr_scheduler.warmup_mode=cubic",
            "lr_scheduler.warmup_mode"},
        {"signum momentum=0 wd_lh=0.1", "wd_lh"},
        {"adamw correct_bias=yes", "correct_bias"},
        {"nag momentum=1", "momentum=1.0 must be in [0, 1)"},
        {"adadelta rho=-0.5", "rho=-0.5"},
        {"sgd wd_mult.=1", "wd_mult."},
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> Optimizers.fromSpec(b[0])).as(b[0])
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(b[1]);
    }
  }

  @Test
  void anOptimizerSpecIsAValueThatModulesComplete() throws Exception {
    OptimizerSpec s = OptimizerSpec.parse("  Adam  learning_rate=0.001 beta1=0.8 ");
    assertThat(s.name()).isEqualTo("adam");
    assertThat(s.params()).containsExactly(java.util.Map.entry("learning_rate", "0.001"),
        java.util.Map.entry("beta1", "0.8"));
    assertThat(s.withDefault("beta1", "0.5").get("beta1")).isEqualTo("0.8");
    assertThat(s.withDefault("wd", "0.1").toString())
        .isEqualTo("adam learning_rate=0.001 beta1=0.8 wd=0.1");
    assertThat(s.with("beta1", "0.7").get("beta1")).isEqualTo("0.7");
    assertThat(s.create()).isInstanceOf(Adam.class);
    assertThat(OptimizerSpec.parse(s.toString())).isEqualTo(s);
    // it travels in a Spark closure
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(s);
    }
    assertThatThrownBy(() -> OptimizerSpec.parse("sgd lr")).hasMessageContaining("'lr'");
    assertThatThrownBy(() -> OptimizerSpec.parse("sgd a=1 a=2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> s.with("beta 2", "1")).hasMessageContaining("'beta 2=1'");
    assertThatThrownBy(() -> OptimizerSpec.of("adam", java.util.Map.of("beta1", "0.9"))
        .with("beta9", "1").create()).hasMessageContaining("beta9");
  }
}
