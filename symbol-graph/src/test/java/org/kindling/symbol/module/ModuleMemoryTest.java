package org.kindling.symbol.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.metric.Accuracy;
import org.kindling.symbol.optimizer.Optimizers;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.storage.Storage;

/**
 * A training loop as TrainTask runs it (a fresh batch per step from an iterator, closed after
 * use; forward, backward, metric, optimizer update) holds a fixed amount of native memory: after
 * the first steps every array comes back from the pool, so 10,000 steps allocate nothing new.
 * (An array left to the garbage collector instead would not be back in time: the pool would
 * have to allocate.)
 */
class ModuleMemoryTest {
  private static final int DIM = 20;
  private static final int BATCH = 32;
  private static final int STEPS = 10_000;

  @Test
  void tenThousandTrainingStepsDoNotGrowNativeMemory() {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] x = new float[BATCH * DIM];
    float[] y = new float[BATCH];
    Storage.Stats warm = null;
    try (Module m = new Module(ModuleTest.mlp())) {
      m.bind(Shape.of(BATCH, DIM), Shape.of(BATCH), true);
      m.initParams(new Xavier(3));
      m.initOptimizer(null, Optimizers.fromSpec(
          "sgd learning_rate=0.05 momentum=0.9 wd=0.0001 rescale_grad=0.03125 clip_gradient=-1"));
      Accuracy acc = new Accuracy();
      for (int step = 1; step <= STEPS; step++) {
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
          y[i] = rnd.nextInt(4);
        }
        try (DataBatch b = new DataBatch(List.of(NDArray.of(x, Shape.of(BATCH, DIM))),
            List.of(NDArray.of(y, Shape.of(BATCH))), 0)) {
          m.forwardBackward(b);
          m.updateMetric(acc, b);
          m.update();
        }
        if (step == 100) {
          m.outputs().get(0).waitToRead();
          warm = Storage.get().stats();
        }
      }
      m.outputs().get(0).waitToRead();
      Storage.Stats end = Storage.get().stats();
      assertThat(warm).isNotNull();
      // After warm-up the pool serves every array. A release runs on the engine after the last
      // use of the array, so a few more blocks may be in flight at a moment; but the number of
      // native allocations stays bounded, not proportional to the 20,000 batch arrays made.
      assertThat(end.allocations() - warm.allocations()).as("allocations, %s vs warm %s", end,
          warm).isLessThanOrEqualTo(8);
      long total = end.inUseBytes() + end.pooledBytes();
      long warmTotal = warm.inUseBytes() + warm.pooledBytes();
      assertThat(total - warmTotal).as("native bytes, %s vs warm %s", end, warm)
          .isLessThanOrEqualTo(256L << 10);
      assertThat(end.reuses() - warm.reuses()).as("pool reuses")
          .isGreaterThanOrEqualTo(2L * (STEPS - 100) - 8);
    }
  }
}
