package org.kindling.symbol.zoo;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.kindling.symbol.Executor;
import org.kindling.symbol.graph.PlanOptions;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.Engines;
import org.kindling.tensor.engine.ThreadedEngine;
import org.kindling.tensor.op.Randoms;

/**
 * The child JVM of {@code ZooEngineEquivalenceTest}: with the engine its system properties
 * choose, runs a training step (forward, backward) of every {@link SmallZoo} network and prints
 * a SHA-256 of every result: first {@code engine NAME WORKERS}, then one line
 * {@code NETWORK ARRAY DIGEST} for the output, each parameter gradient and each updated
 * auxiliary state, and for the output of an inference binding (BatchNorm folded).
 */
public final class ZooEngineRun {
  private ZooEngineRun() {}

  public static void main(String[] args) throws Exception {
    Engine engine = Engines.get();
    System.out.println("engine " + engine.getClass().getSimpleName() + " "
        + (engine instanceof ThreadedEngine t ? t.threads() : 1));
    for (SmallZoo.Net net : SmallZoo.networks()) {
      try (SmallZoo.Arrays arrays = SmallZoo.arrays(net);
          Executor e = SmallZoo.bind(net, arrays, true, PlanOptions.DEFAULT)) {
        Randoms.seed(11);
        e.forward(true);
        e.backward();
        print(net, "output", e.outputs().get(0));
        print(net, e.gradDict());
        print(net, e.auxDict());
      }
      try (SmallZoo.Arrays arrays = SmallZoo.arrays(net);
          Executor e = SmallZoo.bind(net, arrays, false, PlanOptions.DEFAULT)) {
        e.forward(false); // BatchNorm folded into convolutions
        print(net, "inference_output", e.outputs().get(0));
      }
    }
    engine.waitAll();
  }

  private static void print(SmallZoo.Net net, Map<String, NDArray> arrays)
      throws NoSuchAlgorithmException {
    for (Map.Entry<String, NDArray> a : arrays.entrySet()) {
      print(net, a.getKey(), a.getValue());
    }
  }

  private static void print(SmallZoo.Net net, String name, NDArray a)
      throws NoSuchAlgorithmException {
    a.waitToRead();
    ByteBuffer bytes = a.byteBuffer();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(bytes);
    System.out.println(net.name() + "@" + net.data().get(2) + " " + name + " "
        + HexFormat.of().formatHex(sha.digest()));
  }
}
