package org.kindling.symbol.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.metric.Accuracy;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.io.ParamsFile;

class ModuleTest {
  private static final int DIM = 20;
  private static final int CLASSES = 4;
  private static final int BATCH = 32;

  static Symbol mlp() {
    Symbol h = Symbol.activation("relu1",
        Symbol.fullyConnected("fc1", Symbol.variable("data"), 32), ActType.RELU);
    return Symbol.softmaxOutput("softmax", Symbol.fullyConnected("fc2", h, CLASSES));
  }

  /** Gaussian blobs around well separated class centres; the last batch is padded. */
  static List<DataBatch> blobs(int samples, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] centres = new float[CLASSES][DIM];
    for (float[] c : centres) {
      for (int j = 0; j < DIM; j++) {
        c[j] = (float) rnd.nextDouble(-2, 2);
      }
    }
    List<DataBatch> batches = new ArrayList<>();
    for (int start = 0; start < samples; start += BATCH) {
      int real = Math.min(BATCH, samples - start);
      float[] x = new float[BATCH * DIM];
      float[] y = new float[BATCH];
      for (int r = 0; r < real; r++) {
        int cls = rnd.nextInt(CLASSES);
        y[r] = cls;
        for (int j = 0; j < DIM; j++) {
          x[r * DIM + j] = centres[cls][j] + (float) rnd.nextGaussian();
        }
      }
      batches.add(new DataBatch(List.of(NDArray.of(x, Shape.of(BATCH, DIM))),
          List.of(NDArray.of(y, Shape.of(BATCH))), BATCH - real));
    }
    return batches;
  }

  private static Module trained(List<DataBatch> train, InProcessKVStore kv, int epochs) {
    Module m = new Module(mlp());
    m.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
    m.initParams(new Xavier(11));
    m.initOptimizer(kv, Optimizers.fromSpec(
        "sgd learning_rate=0.1 momentum=0.9 wd=0.0001 rescale_grad=0.03125 clip_gradient=-1"));
    for (int e = 0; e < epochs; e++) {
      for (DataBatch b : train) {
        m.forwardBackward(b);
        m.update();
      }
    }
    return m;
  }

  private static double accuracy(Module m, List<DataBatch> data) {
    Accuracy acc = new Accuracy();
    for (DataBatch b : data) {
      m.forward(b, false);
      m.updateMetric(acc, b);
    }
    return acc.get().value();
  }

  @Test
  void trainsAnMlpToHighAccuracyOnASeparableProblem() {
    List<DataBatch> train = blobs(500, 1);
    Module m = new Module(mlp());
    m.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
    m.initParams(new Xavier(11));
    double before = accuracy(m, train);
    m = trained(train, null, 8);
    double after = accuracy(m, train);
    assertThat(after).as("accuracy after training (before: %s)", before).isGreaterThan(0.97);
    assertThat(before).isLessThan(0.9);
  }

  @Test
  void updatesThroughAKvStoreMatchLocalUpdates() {
    List<DataBatch> train = blobs(96, 2);
    Module local = trained(train, null, 2);
    InProcessKVStore kv = new InProcessKVStore();
    Module viaKv = trained(train, kv, 2);
    Map<String, NDArray> a = local.getParams();
    Map<String, NDArray> b = viaKv.getParams();
    assertThat(b.keySet()).containsExactly("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias");
    for (String k : a.keySet()) {
      assertThat(b.get(k).toFloatArray()).as(k).containsExactly(a.get(k).toFloatArray());
    }
    assertThat(kv.log.subList(0, 9)).containsExactly("init fc1_weight", "init fc1_bias",
        "init fc2_weight", "init fc2_bias", "setOptimizer", "pull fc1_weight", "pull fc1_bias",
        "pull fc2_weight", "pull fc2_bias");
    assertThat(kv.log.subList(9, 13)).containsExactly("push fc1_weight", "pull fc1_weight",
        "push fc1_bias", "pull fc1_bias");
  }

  @Test
  void aSecondModuleOnTheSameStoreOnlyPulls() {
    InProcessKVStore kv = new InProcessKVStore();
    Module first = new Module(mlp());
    first.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
    first.initParams(new Xavier(1));
    first.initOptimizer(kv, Optimizers.fromSpec("sgd learning_rate=0.1"));
    Module second = new Module(mlp());
    second.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
    second.initParams(new Xavier(2));
    assertThatThrownBy(() -> second.initOptimizer(kv, Optimizers.fromSpec("sgd")))
        .isInstanceOf(IllegalStateException.class);
    second.initOptimizer(kv, Optimizers.fromSpec("sgd"), false);
    Map<String, NDArray> a = first.getParams();
    second.getParams().forEach((k, v) ->
        assertThat(v.toFloatArray()).as(k).containsExactly(a.get(k).toFloatArray()));
  }

  @Test
  void checkpointRoundTripsSymbolAndParameters(@TempDir Path dir) throws Exception {
    Module m = trained(blobs(64, 3), null, 1);
    Path prefix = dir.resolve("mlp");
    m.saveCheckpoint(prefix, 7);
    Path json = dir.resolve("mlp-symbol.json");
    Path params = dir.resolve("mlp-0007.params");
    assertThat(Files.readString(json)).isEqualTo(m.symbol().toJson());
    assertThat(ParamsFile.readNames(params)).containsExactly("arg:fc1_weight",
        "arg:fc1_bias", "arg:fc2_weight", "arg:fc2_bias");

    Module loaded = Module.loadCheckpoint(prefix, 7);
    loaded.bind(Shape.of(BATCH, DIM), null, false);
    loaded.initParams(null);
    Map<String, NDArray> expected = m.getParams();
    loaded.getParams().forEach((k, v) ->
        assertThat(v.toFloatArray()).as(k).containsExactly(expected.get(k).toFloatArray()));
    DataBatch probe = blobs(32, 4).get(0);
    m.forward(probe, false);
    loaded.forward(probe, false);
    assertThat(loaded.outputs().get(0).toFloatArray())
        .containsExactly(m.outputs().get(0).toFloatArray());
  }

  @Test
  void misuseIsReportedClearly() {
    Module m = new Module(mlp());
    assertThatThrownBy(() -> m.initParams(new Xavier(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind");
    m.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
    // parameters are visited in sorted order, as MXNet's init_params
    assertThatThrownBy(() -> m.initParams(null)).hasMessageContaining("fc1_bias")
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> m.setParams(Map.of("fc1_bias", NDArray.zeros(32),
        "fc1_weight", NDArray.zeros(32, 3)), Map.of()))
        .hasMessageContaining("fc1_weight").hasMessageContaining("(32, 20)");
    assertThatThrownBy(() -> m.setParams(Map.of("conv_weight", NDArray.zeros(1)), Map.of()))
        .hasMessageContaining("conv_weight");
    m.initParams(new Xavier(1));
    assertThatThrownBy(m::update).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("initOptimizer");
    DataBatch wrong = new DataBatch(List.of(NDArray.zeros(16, DIM + 1)),
        List.of(NDArray.zeros(16)), 0);
    assertThatThrownBy(() -> m.forward(wrong, true)).hasMessageContaining("(16, 21)")
        .hasMessageContaining("fc1_weight").hasMessageContaining("(32, 20)");
    assertThatThrownBy(() -> new Module(mlp(), List.of("image"), List.of()))
        .hasMessageContaining("'image'");
  }

  @Test
  void aBatchOfAnotherSizeRebindsKeepingTheParametersAsMxnetReshapes() {
    Module m = trained(blobs(64, 6), null, 1);
    DataBatch full = blobs(32, 7).get(0);
    m.forward(full, false);
    float[] expected = m.outputs().get(0).toFloatArray();
    org.kindling.symbol.Executor bound = m.executor();
    float[] firstEight = java.util.Arrays.copyOf(full.data().get(0).toFloatArray(), 8 * DIM);
    m.forward(new DataBatch(List.of(NDArray.of(firstEight, Shape.of(8, DIM))), List.of(), 0),
        false);
    assertThat(m.batchSize()).isEqualTo(8);
    // the same values up to rounding: sgemm may block and sum a batch of 8 in another order
    // than a batch of 32 (it does with OPENBLAS_CORETYPE=Haswell)
    assertThat(m.outputs().get(0).toFloatArray())
        .containsExactly(java.util.Arrays.copyOf(expected, 8 * CLASSES),
            org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(m.forTraining()).isTrue();
    // a reshape of the bound executor: the same parameter arrays, no copy, no new blocks
    assertThat(m.executor()).isNotSameAs(bound);
    assertThat(m.executor().argDict().get("fc1_weight"))
        .isSameAs(bound.argDict().get("fc1_weight"));
    assertThat(m.executor().allocatedBlockBytes()).isZero();
    m.forward(full, false);
    assertThat(m.executor()).as("the bound shapes run on the bound executor").isSameAs(bound);
    assertThat(m.outputs().get(0).toFloatArray()).containsExactly(expected);
  }

  @Test
  void rebindingKeepsParameters() {
    Module m = trained(blobs(64, 5), null, 1);
    Map<String, NDArray> before = m.getParams();
    m.bind(Shape.of(8, DIM), Shape.of(8), false);
    m.getParams().forEach((k, v) ->
        assertThat(v.toFloatArray()).as(k).containsExactly(before.get(k).toFloatArray()));
    assertThat(m.outputs().get(0).shape()).isEqualTo(Shape.of(8, CLASSES));
  }
}
