package org.kindling.bench.score;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import org.kindling.bench.DjlEngines;
import org.kindling.symbol.Executor;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.zoo.ForwardScore;

/**
 * PyTorch 2.7.1 through DJL, running Kindling's symbol graph eagerly ({@link DjlGraph}) with
 * Kindling's weights: PyTorch's own CPU kernels (oneDNN convolutions), one operator call at a
 * time as in eager PyTorch, no graph compiler.
 *
 * <p>Threads: {@code ai.djl.pytorch.num_threads} (intra-op) = the run's threads, inter-op 1,
 * set before the engine starts.
 */
final class PytorchScorer implements Scorer {
  private final Engine engine;
  private final int threads;

  PytorchScorer(int threads) {
    this.threads = threads;
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    engine = Engine.getEngine("PyTorch");
  }

  @Override
  public String name() {
    return "PyTorch (DJL)";
  }

  @Override
  public String version() {
    return engine.getVersion() + " / DJL " + Engine.getDjlVersion();
  }

  @Override
  public String notes() {
    return "eager, Kindling's graph op by op through DJL's functional layers; intra-op threads "
        + threads + ", MKL " + DjlEngines.onOff(engine, StandardCapabilities.MKL)
        + ", oneDNN " + DjlEngines.onOff(engine, StandardCapabilities.MKLDNN);
  }

  @Override
  public PeerNet open(ForwardScore reference) {
    NDManager manager = engine.newBaseManager(Device.cpu());
    Module module = reference.module();
    Executor e = module.executor();
    Map<String, NDArray> params = new HashMap<>();
    for (String p : module.paramNames()) {
      params.put(p, DjlArrays.copy(manager, e.argDict().get(p)));
    }
    for (String p : module.auxNames()) {
      params.put(p, DjlArrays.copy(manager, e.auxDict().get(p)));
    }
    DjlGraph graph;
    try {
      graph = new DjlGraph(module.symbol().toJson(), params);
    } catch (RuntimeException ex) {
      manager.close();
      throw ex;
    }
    NDArray data = DjlArrays.input(manager, reference);
    return new PeerNet() {
      @Override
      public float[] forward() {
        try (NDManager pass = manager.newSubManager()) {
          // the pass's intermediates go to its own manager, freed when it closes
          data.tempAttach(pass);
          return graph.forward(data).toFloatArray();
        }
      }

      @Override
      public void close() {
        manager.close();
      }
    };
  }
}
