package org.kindling.bench.train;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import org.kindling.bench.DjlEngines;

/**
 * PyTorch 2.7.1 through DJL, the network and recipe of {@link DjlSession} (PyTorch's
 * {@code sgd} update with momentum). PyTorch's CPU build computes with its own statically linked
 * MKL and oneDNN; the notes say whether the engine reports them.
 *
 * <p>Threads: {@code ai.djl.pytorch.num_threads} (intra-op) is set to the run's thread count and
 * {@code ai.djl.pytorch.num_interop_threads} to 1 before the engine starts; PyTorch reads them
 * once, so they hold for the whole JVM. The engine is loaded offline from the native jar on the
 * class path ({@code ai.djl.offline=true}).
 */
public final class PytorchRunner implements FrameworkRunner {

  @Override
  public String name() {
    return "PyTorch (DJL)";
  }

  @Override
  public TrainResult run(TrainSetup setup) throws Exception {
    TrainOptions o = setup.options();
    // must precede the first Engine call: PyTorch fixes its thread pools at startup
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(o.threads()));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed((int) o.seed());
    String version = engine.getVersion() + " / DJL " + Engine.getDjlVersion();
    String notes = "SGD momentum " + o.momentum() + ", float32, intra-op threads " + o.threads()
        + ", MKL " + DjlEngines.onOff(engine, StandardCapabilities.MKL)
        + ", oneDNN (MKL-DNN) " + DjlEngines.onOff(engine, StandardCapabilities.MKLDNN);
    try (DjlSession s = new DjlSession(engine.getEngineName(), setup)) {
      return EpochLoop.run(name(), version, notes, s, setup);
    }
  }
}
