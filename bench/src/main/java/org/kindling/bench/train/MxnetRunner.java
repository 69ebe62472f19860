package org.kindling.bench.train;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.util.Objects;
import org.kindling.bench.DjlEngines;
import org.kindling.bench.NativeLibraries;

/**
 * MXNet 1.9.1 with MKL-DNN through DJL's MXNet engine ({@code ai.djl.mxnet:mxnet-engine} with
 * {@code mxnet-native-mkl:1.9.1:linux-x86_64}, the native jar the oracle tests in {@code it/}
 * load), the network and recipe of {@link DjlSession} (MXNet's {@code sgd_mom_update}).
 * DJL drives MXNet imperatively, one C API call per operator, with autograd recording.
 *
 * <p>OpenBLAS: {@code libmxnet.so} needs {@code libopenblas.so.0}, and so does Kindling. The
 * dynamic linker satisfies that need with the copy already in the process, so when Kindling's
 * OpenBLAS 0.3.31 (JavaCPP) is loaded first — {@link TrainWorker} loads it before any framework
 * runs — MXNet calls it too, as in the oracle tests, instead of its bundled
 * 0.3.7 (which picks an old kernel on this CPU). MXNet's convolutions and fully connected layers
 * run on MKL-DNN, not BLAS, when the build has it; the notes say whether it has, and which
 * OpenBLAS files the process maps.
 *
 * <p>Threads: MXNet sizes its OpenMP pool from {@code OMP_NUM_THREADS}, which
 * {@code bench/run-train} sets to {@code --threads}; the notes show its value. The library is
 * extracted from the class path into {@code ~/.djl.ai/mxnet} on first use ({@code
 * ai.djl.offline=true}: nothing is downloaded).
 */
public final class MxnetRunner implements FrameworkRunner {

  @Override
  public String name() {
    return "MXNet (DJL)";
  }

  @Override
  public TrainResult run(TrainSetup setup) throws Exception {
    TrainOptions o = setup.options();
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    Engine engine = Engine.getEngine("MXNet");
    engine.setRandomSeed((int) o.seed());
    String version = DjlEngines.mxnetNativeVersion() + " (libmxnet reports " + engine.getVersion() + ") / DJL "
        + Engine.getDjlVersion();
    String omp = System.getenv("OMP_NUM_THREADS");
    String notes = "SGD momentum " + o.momentum() + ", float32, OMP_NUM_THREADS="
        + Objects.requireNonNullElse(omp, "unset")
        + (Integer.toString(o.threads()).equals(omp) ? "" : " (not --threads " + o.threads() + ")")
        + ", MKL-DNN " + DjlEngines.onOff(engine, StandardCapabilities.MKLDNN)
        + ", " + NativeLibraries.openblasNote();
    try (DjlSession s = new DjlSession(engine.getEngineName(), setup)) {
      return EpochLoop.run(name(), version, notes, s, setup);
    }
  }
}
