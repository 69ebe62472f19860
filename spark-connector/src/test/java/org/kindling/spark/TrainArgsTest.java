package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.spec.Spec;

class TrainArgsTest {

  @Test
  void parsesEveryOptionIntoTheConfig() {
    TrainConfig c = TrainArgs.parse(new String[] {
        "--data", "hdfs://nn:8020/d/train.rec;hdfs://nn:8020/d/more.rec",
        "--val-data=file:///tmp/val.rec", "--num-workers", "3", "--batch-size", "64",
        "--epochs", "4", "--lr", "0.05", "--momentum", "0.8", "--wd", "0.001",
        "--network", "MLP", "--hidden", "512,256,64", "--num-classes", "7",
        "--input-shape", "(1, 28, 28)", "--model-prefix", "hdfs://nn:8020/m/mlp",
        "--kvstore", "dist_sync", "--seed", "7", "--disp-batches", "10", "--scale", "0.5",
        "--master", "local[3]", "--memory-limit", "3g", "--load-epoch", "2", "--overwrite",
        "--accel", "Force", "--threads", "2",
        "--optimizer-params", "lr_scheduler=multifactor,lr_scheduler.step=10,20,clip_gradient=5",
        "--initializer", "normal(sigma=0.02)", "--metrics", "acc,top_k_accuracy(top_k=3),ce"});
    assertThat(c.data()).isEqualTo("hdfs://nn:8020/d/train.rec;hdfs://nn:8020/d/more.rec");
    assertThat(c.valData()).isEqualTo("file:///tmp/val.rec");
    assertThat(c.numWorkers()).isEqualTo(3);
    assertThat(c.batchSize()).isEqualTo(64);
    assertThat(c.epochs()).isEqualTo(4);
    assertThat(c.beginEpoch()).isEqualTo(2);
    assertThat(c.overwrite()).isTrue();
    assertThat(c.optimizer().toString()).isEqualTo("sgd learning_rate=0.05 momentum=0.8"
        + " wd=0.001 lr_scheduler=multifactor lr_scheduler.step=10,20 clip_gradient=5");
    assertThat(c.network()).isEqualTo(new NetworkSpec.Mlp(List.of(512, 256, 64)));
    assertThat(c.numClasses()).isEqualTo(7);
    assertThat(c.inputShape()).containsExactly(1, 28, 28);
    assertThat(c.exampleSize()).isEqualTo(784);
    assertThat(c.modelPrefix()).isEqualTo("hdfs://nn:8020/m/mlp");
    assertThat(c.kvstore()).isEqualTo(KVStoreKind.DIST_SYNC);
    assertThat(c.distributed()).isTrue();
    assertThat(c.seed()).isEqualTo(7);
    assertThat(c.dispBatches()).isEqualTo(10);
    assertThat(c.scale()).isEqualTo(0.5f);
    assertThat(c.master()).isEqualTo("local[3]");
    assertThat(c.memoryLimit()).isEqualTo("3g");
    assertThat(c.toBuilder().build().memoryLimit()).isEqualTo("3g");
    // what the session the job makes (driver and executors) is configured with
    assertThat(c.sessionConf()).containsExactly(entry(MemoryLimit.KEY, "3g"),
        entry(CpuAccelConf.MODE, "force"), entry(CpuAccelConf.THREADS, "2"));
    assertThat(c.toBuilder().build().sessionConf()).isEqualTo(c.sessionConf());
    assertThat(c.initializer()).isEqualTo(Spec.of("normal", "sigma", "0.02"));
    assertThat(c.createInitializer()).isInstanceOf(org.kindling.symbol.init.Normal.class);
    assertThat(c.metrics()).extracting(Spec::name)
        .containsExactly("acc", "top_k_accuracy", "ce");
    assertThat(c.createMetrics()).extracting(m -> m.name())
        .containsExactly("accuracy", "top_k_accuracy_3", "cross-entropy");
  }

  @Test
  void zooNetworksOptimizersAndInitializersAreBuiltFromTheirNames() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "x", "--network", "LeNet",
        "--input-shape", "1,28,28", "--optimizer", "adam", "--lr", "0.001",
        "--optimizer-params", "beta1=0.8 beta2=0.99", "--kvstore", "local"});
    assertThat(c.network()).isEqualTo(new NetworkSpec.ZooNetwork("lenet"));
    assertThat(c.optimizer().toString())
        .isEqualTo("adam learning_rate=0.001 wd=0.0001 beta1=0.8 beta2=0.99");
    assertThat(c.optimizer().create()).isInstanceOf(org.kindling.symbol.optimizer.Adam.class);
    assertThat(c.kvstore()).isEqualTo(KVStoreKind.LOCAL);
    assertThat(c.initializer().toString()).isEqualTo(TrainConfig.DEFAULT_INITIALIZER);
    // the optimizer's own default learning rate unless --lr: fit.py's 0.1 is for SGD
    assertThat(TrainArgs.parse(new String[] {"--data", "x", "--optimizer", "rmsprop"})
        .optimizer().has("learning_rate")).isFalse();
    assertThat(TrainArgs.parse(new String[] {"--data", "x", "--network", "resnet20",
        "--input-shape", "3,28,28"}).network()).isEqualTo(new NetworkSpec.ZooNetwork("resnet20"));
  }

  @Test
  void defaultsFollowMxnetFitScript() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "train.rec"});
    assertThat(c.batchSize()).isEqualTo(128);
    assertThat(c.optimizer().toString()).isEqualTo("sgd learning_rate=0.1 momentum=0.9 wd=0.0001");
    assertThat(c.network()).isEqualTo(new NetworkSpec.Mlp(List.of(256, 128)));
    assertThat(c.inputShape()).containsExactly(784);
    // the default on Spark, as MXNet's issue says: level 1 in each executor, then sync level 2
    assertThat(c.kvstore()).isEqualTo(KVStoreKind.DIST_DEVICE_SYNC);
    assertThat(TrainArgs.usage("TrainJob")).contains("--kvstore TYPE")
        .contains("dist_device_sync (default: the tasks of an executor sum their gradients");
    assertThat(c.metrics()).extracting(Spec::toString).containsExactly("accuracy", "ce");
    assertThat(c.modelPrefix()).isNull();
    assertThat(c.valData()).isNull();
    assertThat(c.memoryLimit()).isNull();
    assertThat(c.sessionConf()).isEmpty();
    assertThat(c.beginEpoch()).isZero();
    assertThat(c.overwrite()).isFalse();
  }

  @Test
  void rejectsUnknownOptionsAndMissingValuesByName() {
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x.rec", "--epoch", "3"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--epoch'");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data"}))
        .hasMessageContaining("--data needs a value");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--lr", "fast"}))
        .hasMessageContaining("--lr needs a number, got 'fast'");
  }

  @Test
  void validatesValuesWithTheOptionName() {
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {}))
        .hasMessageContaining("--data is required");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--num-workers", "0"}))
        .hasMessageContaining("--num-workers must be >= 1, got 0");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--momentum", "1"}))
        .hasMessageContaining("--optimizer sgd").hasMessageContaining("momentum");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--kvstore", "nccl"}))
        .hasMessageContaining("--kvstore must be 'local', 'dist_sync', 'dist_device_sync',"
            + " 'dist_async', got 'nccl'");
    assertThat(TrainArgs.parse(new String[] {"--data", "x", "--kvstore", "DIST_DEVICE_SYNC"})
        .kvstore()).isEqualTo(KVStoreKind.DIST_DEVICE_SYNC);
    assertThatThrownBy(() -> TrainArgs.parse(
        new String[] {"--data", "x", "--kvstore", "local", "--num-workers", "2"}))
        .hasMessageContaining("--kvstore local trains in a single task");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--network", "resnet",
        "--input-shape", "1,28,28"})).hasMessageContaining("--network resnet")
        .hasMessageContaining("unknown network");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--network", "lenet"}))
        .hasMessageContaining("--input-shape CHANNELS,HEIGHT,WIDTH");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--network",
        "resnet18", "--input-shape", "1,28,28"})).hasMessageContaining("--network resnet18");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--accel", "yes"}))
        .hasMessageContaining("--accel=yes is not a mode; use auto, off or force");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--threads", "0"}))
        .hasMessageContaining("--threads=0 is not a positive integer");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--input-shape", "0,28"}))
        .hasMessageContaining("--input-shape dimensions must be >= 1");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--memory-limit", "2x"}))
        .hasMessage("--memory-limit=2x is not a positive size such as 512m or 2g");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--optimizer", "adam",
        "--momentum", "0.9"})).hasMessageContaining("--optimizer adam")
        .hasMessageContaining("'momentum'");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--optimizer", "ftrl"}))
        .hasMessageContaining("unknown optimizer 'ftrl'");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--lr", "0.1",
        "--optimizer-params", "learning_rate=0.2"})).hasMessageContaining("--lr and")
        .hasMessageContaining("learning_rate");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x",
        "--optimizer-params", "beta1"})).hasMessageContaining("KEY=VALUE");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--initializer",
        "xavier(magnitud=2)"})).hasMessageContaining("--initializer")
        .hasMessageContaining("magnitud");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--metrics",
        "acc,f1(average=micro)"})).hasMessageContaining("--metrics f1(average=micro)")
        .hasMessageContaining("workers");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--metrics", "bleu"}))
        .hasMessageContaining("--metrics").hasMessageContaining("'bleu'");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--begin-epoch", "3"}))
        .hasMessageContaining("--model-prefix");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--begin-epoch", "10",
        "--model-prefix", "m"})).hasMessageContaining("--begin-epoch must be in [0, --epochs)");
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--overwrite=maybe"}))
        .hasMessageContaining("--overwrite takes no value");
  }

  @Test
  void metricListsSplitAtTopLevelCommasOnly() {
    assertThat(TrainArgs.splitTopLevel("acc, top_k_accuracy(top_k=5), 'f1(average=\"a,b\")',"))
        .containsExactly("acc", "top_k_accuracy(top_k=5)", "'f1(average=\"a,b\")'");
  }

  @Test
  void symbolFileReplacesTheBuiltInNetwork() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "x", "--symbol", "net-symbol.json"});
    assertThat(c.network()).isEqualTo(new NetworkSpec.SymbolFile("net-symbol.json"));
    assertThat(c.toString()).contains("SymbolFile[uri=net-symbol.json]");
  }

  @Test
  void helpListsEveryOption() {
    assertThat(TrainArgs.wantsHelp(new String[] {"--data", "x", "--help"})).isTrue();
    assertThat(TrainArgs.wantsHelp(new String[] {"--data", "x"})).isFalse();
    String usage = TrainArgs.usage("TrainJob");
    for (String option : new String[] {"--data", "--val-data", "--num-workers", "--batch-size",
        "--epochs", "--lr", "--momentum", "--wd", "--network", "--hidden", "--num-classes",
        "--input-shape", "--symbol", "--optimizer", "--optimizer-params", "--initializer",
        "--metrics", "--model-prefix", "--begin-epoch", "--overwrite", "--kvstore", "--seed",
        "--master", "--memory-limit", "--data-shape", "--resize", "--rand-crop", "--rand-mirror",
        "--mean-rgb", "--std-rgb", "--inter-method", "--preprocess-threads", "--kvstore-port",
        "--key-server-port", "--help"}) {
      assertThat(usage).contains("  " + option + " ");
    }
  }

  @Test
  void toBuilderRoundTripsTheConfig() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "x", "--hidden", "32", "--seed", "3",
        "--optimizer", "nag", "--lr", "0.2", "--optimizer-params", "clip_gradient=1",
        "--metrics", "ce"});
    TrainConfig d = c.toBuilder().epochs(2).build();
    assertThat(d.network()).isEqualTo(c.network());
    assertThat(d.seed()).isEqualTo(3);
    assertThat(d.epochs()).isEqualTo(2);
    assertThat(c.epochs()).isEqualTo(10);
    assertThat(d.optimizer()).isEqualTo(c.optimizer());
    assertThat(d.metrics()).isEqualTo(c.metrics());
    assertThat(c.toBuilder().learningRate(0.3).build().optimizer().get("learning_rate"))
        .isEqualTo("0.3");
  }

  @Test
  void imageOptionsTakeMxnetsNamesAndTrainImagenetsAliases() {
    TrainConfig c = TrainArgs.parse(new String[] {"--data", "x", "--image-shape", "3,32,32",
        "--resize", "36", "--random-crop", "--rand-mirror", "--rgb-mean", "1,2,3",
        "--rgb-std", "4,5,6", "--data-nthreads", "2"});
    assertThat(c.image().decodes()).isTrue();
    assertThat(c.image().dataShape()).containsExactly(3, 32, 32);
    assertThat(c.inputShape()).containsExactly(3, 32, 32);
    assertThat(c.image().isRandom()).isTrue();
    assertThat(c.image().toString()).isEqualTo("decoded images [3, 32, 32], resize 36, random"
        + " crop, random mirror, mean [1.0, 2.0, 3.0], std [4.0, 5.0, 6.0]");
    // the settings survive toBuilder
    assertThat(c.toBuilder().epochs(2).build().image().toString())
        .isEqualTo(c.image().toString());
    assertThat(TrainArgs.parse(new String[] {"--data", "x"}).image().decodes()).isFalse();
    assertThatThrownBy(() -> TrainArgs.parse(new String[] {"--data", "x", "--data-shape",
        "3,8,8", "--mean-rgb", "1,2"})).hasMessageContaining("--mean-rgb needs three values");
  }
}
