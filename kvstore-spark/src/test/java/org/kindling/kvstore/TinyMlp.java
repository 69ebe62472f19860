package org.kindling.kvstore;

import java.util.List;
import java.util.SplittableRandom;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.init.Initializers;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.optimizer.OptimizerSpec;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.op.nn.Activation;

/**
 * The small MLP (10 features, fc 16 + relu, fc 3 + softmax) that the stores' training tests run,
 * with seeded batches whose class shows in every third feature.
 */
final class TinyMlp {
  static final int BATCH = 8;
  static final int FEATURES = 10;
  static final int HIDDEN = 16;
  static final int CLASSES = 3;

  private TinyMlp() {}

  /** An unbound module of the network. */
  static Module module() {
    Symbol x = Symbol.variable("data");
    x = Symbol.activation("relu1", Symbol.fullyConnected("fc1", x, HIDDEN),
        Activation.ActType.RELU);
    Symbol net = Symbol.softmaxOutput("softmax", Symbol.fullyConnected("fc2", x, CLASSES));
    return new Module(net, List.of("data"), List.of("softmax_label"));
  }

  /** Binds {@code m} for training, initializes it (xavier, seed 11) and its SGD on {@code kv}. */
  static Module prepare(Module m, KVStore kv) {
    m.bind(Shape.of(BATCH, FEATURES), Shape.of(BATCH), true);
    m.initParams(Initializers.create("xavier", 11));
    m.initOptimizer(kv, OptimizerSpec.parse("sgd learning_rate=0.5 momentum=0.9"));
    return m;
  }

  /** The next batch of {@code rnd}. */
  static DataBatch batch(SplittableRandom rnd) {
    float[] data = new float[BATCH * FEATURES];
    float[] label = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      label[i] = rnd.nextInt(CLASSES);
      for (int j = 0; j < FEATURES; j++) {
        data[i * FEATURES + j] = (float) rnd.nextGaussian() + label[i] * (j % 3 == 0 ? 1 : 0);
      }
    }
    return new DataBatch(List.of(NDArray.of(data, Shape.of(BATCH, FEATURES))),
        List.of(NDArray.of(label, Shape.of(BATCH))), 0);
  }
}
