package org.kindling.symbol.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.callback.BatchEndParam;
import org.kindling.symbol.callback.EpochEndParam;
import org.kindling.symbol.callback.EpochRecord;
import org.kindling.symbol.callback.PeriodicCheckpoint;
import org.kindling.symbol.callback.TrainingCallback;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.metric.Metrics;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.symbol.optimizer.OptimizerSpec;
import org.kindling.symbol.zoo.Layers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.NDArrayIter;
import org.kindling.tensor.op.nn.Activation.ActType;
import org.kindling.tensor.op.nn.LeakyReLU;
import org.kindling.tensor.op.nn.Pooling.PoolType;

/** {@link Module#fit}, {@link Module#score}, {@link Module#predict} and what fit relies on. */
class ModuleFitTest {
  private static final int DIM = 20;
  private static final int CLASSES = 4;
  private static final int BATCH = 32;

  /** {@code n} samples of Gaussian blobs: data {@code (n, DIM)}, labels {@code (n,)}. */
  private static NDArray[] blobs(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    SplittableRandom centresRnd = new SplittableRandom(99);
    float[][] centres = new float[CLASSES][DIM];
    for (float[] c : centres) {
      for (int j = 0; j < DIM; j++) {
        c[j] = (float) centresRnd.nextDouble(-2, 2);
      }
    }
    float[] x = new float[n * DIM];
    float[] y = new float[n];
    for (int r = 0; r < n; r++) {
      int cls = rnd.nextInt(CLASSES);
      y[r] = cls;
      for (int j = 0; j < DIM; j++) {
        x[r * DIM + j] = centres[cls][j] + (float) rnd.nextGaussian();
      }
    }
    return new NDArray[] {NDArray.of(x, Shape.of(n, DIM)), NDArray.of(y, Shape.of(n))};
  }

  private static NDArrayIter iter(NDArray[] xy, Shape example) {
    int n = xy[0].shape().get(0);
    int[] dims = example.dims();
    int[] all = new int[dims.length + 1];
    all[0] = n;
    System.arraycopy(dims, 0, all, 1, dims.length);
    return NDArrayIter.builder(xy[0].reshape(Shape.of(all))).label(xy[1]).batchSize(BATCH)
        .build();
  }

  /** A small conv-BatchNorm network on 1x4x5 inputs (the blobs' 20 values as an image). */
  private static Symbol convBn() {
    Layers nn = new Layers();
    Symbol x = nn.conv(nn.variable("data")).name("conv1").kernel(3, 3).pad(1, 1).numFilter(6)
        .build();
    x = nn.bn(x).name("bn1").build();
    x = nn.relu("relu1", x);
    x = nn.pool(x).type(PoolType.AVG).kernel(4, 5).global().build();
    return nn.softmaxOutput("softmax", nn.fc("fc1", nn.flatten(x), CLASSES));
  }

  private static final class Recorder implements TrainingCallback {
    final List<String> batches = new ArrayList<>();
    final List<EpochEndParam> epochs = new ArrayList<>();
    final List<List<String>> argNames = new ArrayList<>();
    Action answer = Action.CONTINUE;

    @Override
    public void batchEnd(BatchEndParam p) {
      batches.add(p.epoch() + ":" + p.nbatch());
    }

    @Override
    public Action epochEnd(EpochEndParam p) {
      epochs.add(p);
      argNames.add(List.copyOf(p.argParams().keySet()));
      return answer;
    }
  }

  @Test
  void fitTrainsRunsTheCallbacksAndEvaluatesEveryEpoch() throws IOException {
    Module m = new Module(ModuleTest.mlp());
    Recorder rec = new Recorder();
    List<String> log = new ArrayList<>();
    List<EpochRecord> records = m.fit(iter(blobs(200, 1), Shape.of(DIM)),
        iter(blobs(100, 2), Shape.of(DIM)),
        FitOptions.builder(3).initializer(new Xavier(3))
            .optimizer(OptimizerSpec.parse("sgd learning_rate=0.5 momentum=0.9"))
            .evalMetric(Metrics.create(List.of("acc", "ce"))).callbacks(rec).log(log::add)
            .build());

    // 200 samples in batches of 32: 7 batches, the last one padded
    assertThat(rec.batches).hasSize(21).startsWith("0:0", "0:1").endsWith("2:5", "2:6");
    assertThat(rec.epochs).extracting(EpochEndParam::epoch).containsExactly(0, 1, 2);
    assertThat(rec.argNames.get(0)).containsExactly("fc1_weight", "fc1_bias", "fc2_weight",
        "fc2_bias");
    assertThat(records).extracting(EpochRecord::epoch).containsExactly(1, 2, 3);
    EpochRecord last = records.get(2);
    assertThat(last.values()).containsOnlyKeys("train_accuracy", "train_cross-entropy",
        "val_accuracy", "val_cross-entropy");
    assertThat(last.values().get("val_accuracy")).isGreaterThan(0.95);
    assertThat(records.get(0).values().get("train_cross-entropy"))
        .isGreaterThan(last.values().get("train_cross-entropy"));
    assertThat(log).contains("Epoch[2] Validation-accuracy=" + String.format(java.util.Locale.ROOT,
        "%f", last.values().get("val_accuracy")));
    assertThat(m.optimizerInitialized()).isTrue();
  }

  @Test
  void aCallbackSayingStopEndsTrainingAfterThatEpoch() throws IOException {
    Module m = new Module(ModuleTest.mlp());
    Recorder rec = new Recorder();
    rec.answer = TrainingCallback.Action.STOP;
    List<EpochRecord> records = m.fit(iter(blobs(64, 1), Shape.of(DIM)), null,
        FitOptions.builder(5).callbacks(rec).log(l -> { }).build());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).values()).containsOnlyKeys("train_accuracy");
  }

  @Test
  void resumingACheckpointWithItsOptimizerStatesRepeatsTheUninterruptedRun(@TempDir Path dir)
      throws IOException {
    NDArray[] train = blobs(160, 5);
    NDArray[] val = blobs(64, 6);
    OptimizerSpec adam = OptimizerSpec.parse("adam learning_rate=0.01 wd=0.001");
    Path full = dir.resolve("full/net");
    Path half = dir.resolve("half/net");
    java.nio.file.Files.createDirectories(full.getParent());
    java.nio.file.Files.createDirectories(half.getParent());

    List<EpochRecord> uninterrupted = fitConvBn(new Module(convBn()), full, 0, 4, train, val,
        adam);
    fitConvBn(new Module(convBn()), half, 0, 2, train, val, adam);
    Module resumed = Module.loadCheckpoint(half, 2, true);
    List<EpochRecord> second = fitConvBn(resumed, half, 2, 4, train, val, adam);

    assertThat(second).extracting(EpochRecord::epoch).containsExactly(3, 4);
    assertThat(second.get(0).values()).isEqualTo(uninterrupted.get(2).values());
    assertThat(second.get(1).values()).isEqualTo(uninterrupted.get(3).values());
    for (String suffix : List.of("-0004.params", "-0004.states")) {
      assertThat(java.nio.file.Files.readAllBytes(Path.of(half + suffix))).as(suffix)
          .isEqualTo(java.nio.file.Files.readAllBytes(Path.of(full + suffix)));
    }
    // the checkpoint holds BatchNorm's moving statistics, and they moved away from 0 and 1
    Map<String, NDArray> aux = resumed.getAuxParams();
    assertThat(aux).containsOnlyKeys("bn1_moving_mean", "bn1_moving_var");
    assertThat(aux.get("bn1_moving_mean").toFloatArray()).isNotEqualTo(new float[6]);
  }

  private static List<EpochRecord> fitConvBn(Module m, Path prefix, int begin, int end,
      NDArray[] train, NDArray[] val, OptimizerSpec opt) throws IOException {
    PeriodicCheckpoint ckpt = new PeriodicCheckpoint(
        (epoch, sym, args, aux) -> m.saveCheckpoint(prefix, epoch, true));
    return m.fit(iter(train, Shape.of(1, 4, 5)), iter(val, Shape.of(1, 4, 5)),
        FitOptions.builder(end).beginEpoch(begin).initializer(new Xavier(7)).optimizer(opt)
            .evalMetric(Metrics.create(List.of("acc", "ce"))).callbacks(ckpt).log(l -> { })
            .build());
  }

  @Test
  void theInitializerSeesTheVariablesInitAttribute() {
    Symbol x = Symbol.fullyConnected("fc1", Symbol.variable("data"), 8);
    x = Symbol.create(LeakyReLU.OP, "prelu1", LeakyReLU.Params.of(LeakyReLU.ActType.PRELU),
        Map.of("data", x));
    Symbol net = Symbol.softmaxOutput("softmax", Symbol.fullyConnected("fc2", x, 3));
    assertThat(net.attrDict().get("prelu1_gamma")).containsEntry("__init__",
        "[\"Constant\", {\"value\": 0.25}]");
    Module m = new Module(net);
    m.bind(Shape.of(4, 5), Shape.of(4), true);
    m.initParams(new Xavier(1));
    assertThat(m.getParams().get("prelu1_gamma").toFloatArray()).containsOnly(0.25f);
  }

  @Test
  void theOptimizerGetsMxnetsRescaleGradAndTheSymbolsMultipliers() {
    Symbol w = Symbol.variable("fc1_weight", Map.of("__lr_mult__", "2.0", "__wd_mult__", "0.5"));
    Symbol x = Symbol.create(org.kindling.tensor.op.nn.FullyConnected.OP, "fc1",
        org.kindling.tensor.op.nn.FullyConnected.Params.of(CLASSES),
        Map.of("data", Symbol.variable("data"), "weight", w));
    Module m = new Module(Symbol.softmaxOutput("softmax", x));
    m.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
    OptimizerSpec sgd = OptimizerSpec.parse("sgd learning_rate=0.1");

    assertThat(m.completeSpec(null, sgd).toString()).isEqualTo(
        "sgd learning_rate=0.1 rescale_grad=0.03125 lr_mult.fc1_weight=2.0 wd_mult.fc1_weight=0.5");
    // a dist _sync store averages over every worker's batch; other stores over one batch
    assertThat(m.completeSpec(new InProcessKVStore("dist_sync", 4), sgd).get("rescale_grad"))
        .isEqualTo("0.0078125");
    assertThat(m.completeSpec(new InProcessKVStore("dist_async", 4), sgd).get("rescale_grad"))
        .isEqualTo("0.03125");
    // what the caller gives wins
    assertThat(m.completeSpec(null, sgd.with("rescale_grad", "1").with("lr_mult.fc1_weight",
        "3")).toString()).contains("rescale_grad=1 ").contains("lr_mult.fc1_weight=3");
    m.initParams(new Xavier(1));
    m.initOptimizer(null, sgd);
    assertThat(((org.kindling.symbol.optimizer.BaseOptimizer) m.optimizer()).lrMult())
        .containsEntry("fc1_weight", 2.0);
  }

  @Test
  void scoreAndPredictCoverTheRealSamplesOnly() throws IOException {
    Module m = new Module(ModuleTest.mlp());
    m.fit(iter(blobs(96, 1), Shape.of(DIM)), null,
        FitOptions.builder(1).initializer(new Xavier(1)).log(l -> { }).build());
    NDArray[] data = blobs(40, 9); // a batch of 32 and one of 8 real + 24 padded rows
    List<MetricValue> score = m.score(iter(data, Shape.of(DIM)), Metrics.create("acc"));
    assertThat(score).hasSize(1);

    List<NDArray> out = m.predict(iter(data, Shape.of(DIM)));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).shape()).isEqualTo(Shape.of(40, CLASSES));
    float[] p = out.get(0).toFloatArray();
    float[] labels = data[1].toFloatArray();
    int correct = 0;
    for (int i = 0; i < 40; i++) {
      int best = 0;
      for (int k = 1; k < CLASSES; k++) {
        best = p[i * CLASSES + k] > p[i * CLASSES + best] ? k : best;
      }
      correct += best == (int) labels[i] ? 1 : 0;
    }
    assertThat(score.get(0).value()).isEqualTo(correct / 40.0);
  }

  @Test
  void optimizerStatesLiveOnADistributedStoresServer() {
    Module m = new Module(ModuleTest.mlp());
    m.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
    assertThatThrownBy(m::saveOptimizerStates).hasMessageContaining("initOptimizer");
    m.initParams(new Xavier(1));
    m.initOptimizer(new InProcessKVStore("dist_sync", 2), OptimizerSpec.parse("sgd momentum=0.9"));
    assertThatThrownBy(m::saveOptimizerStates).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("server of the dist_sync store");
  }

  @Test
  void fitNeedsEpochsToRun() {
    assertThatThrownBy(() -> FitOptions.builder(2).beginEpoch(2).build())
        .hasMessageContaining("beginEpoch 2, numEpoch 2");
  }
}
