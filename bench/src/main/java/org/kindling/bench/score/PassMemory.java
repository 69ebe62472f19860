package org.kindling.bench.score;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.kindling.symbol.zoo.ForwardScore;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.storage.Storage;

/**
 * The memory of a process that scores one zoo network at one batch: bind (with its bind-time
 * measurements), {@code PASSES} forward passes, then one line of the kernel's accounting of the
 * process ({@code /proc/self/status}: peak resident set {@code VmHWM}, resident {@code VmRSS},
 * its anonymous and file-backed parts) and of the JVM's (heap used and committed, direct
 * buffers, Kindling's storage pool). A fresh JVM per cell ({@code bench/run-memory}), so that
 * the peak is the cell's own. Linux.
 *
 * <p>{@code java -cp ... org.kindling.bench.score.PassMemory NETWORK BATCH FRAMEWORK PASSES
 * [DIR]}, {@code FRAMEWORK} one of
 *
 * <ul>
 *   <li>{@code kindling}, {@code kindling-off}: Kindling with {@code kindling.cpu.accel} {@code
 *       auto} or {@code off};
 *   <li>{@code save}: writes the network with its scoring weights as an MXNet checkpoint {@code
 *       DIR/net} (bound at batch 1 by the default kernels) and exits;
 *   <li>{@code mxnet}: MXNet 1.9.1 + MKL-DNN through DJL loads {@code DIR/net} and scores a
 *       random batch: nothing of Kindling is loaded in its process, so its peak is MXNet's
 *       (and the JVM's and DJL's).
 * </ul>
 *
 * <p>Prints {@code mem<TAB>network<TAB>batch<TAB>framework<TAB>} then MiB: {@code
 * VmHWM VmRSS RssAnon RssFile heapUsed heapCommitted direct storageInUse storagePooled
 * storagePeak directLive}, the last the direct buffers still reachable (after a collection).
 */
public final class PassMemory {
  private PassMemory() {}

  public static void main(String[] args) throws Exception {
    String network = args[0];
    int batch = Integer.parseInt(args[1]);
    String framework = args[2];
    int passes = Integer.parseInt(args[3]);
    Path dir = args.length > 4 ? Path.of(args[4]) : null;
    int threads = 2;
    switch (framework) {
      case "kindling", "kindling-off" -> {
        System.setProperty(CpuAccel.MODE, framework.equals("kindling") ? "auto" : "off");
        System.setProperty(CpuAccel.THREADS, Integer.toString(threads));
        System.setProperty(ThreadBudget.CORES, Integer.toString(threads));
        try (ForwardScore s = new ForwardScore(network, batch, 0)) {
          s.warmUp(passes, 0);
          print(network, batch, framework, true);
        }
      }
      case "save" -> {
        System.setProperty(CpuAccel.MODE, "off");
        Files.createDirectories(dir);
        try (ForwardScore s = new ForwardScore(network, 1, 0)) {
          s.saveCheckpoint(dir.resolve("net"));
        }
      }
      case "mxnet" -> mxnet(network, batch, passes, dir);
      default -> throw new IllegalArgumentException("framework " + framework
          + ": kindling, kindling-off, save or mxnet");
    }
    System.exit(0);
  }

  private static void mxnet(String network, int batch, int passes, Path dir) throws Exception {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    try (Model model = Model.newInstance("net", Device.cpu(), "MXNet")) {
      model.load(dir, "net");
      NDManager manager = model.getNDManager().newSubManager();
      int[] image = ForwardScore.IMAGE_SHAPE.dims();
      NDArray data = manager.randomUniform(-1f, 1f,
          new Shape(batch, image[0], image[1], image[2]));
      data.setName("data");
      Block block = model.getBlock();
      for (int i = 0; i < passes; i++) {
        try (NDManager pass = manager.newSubManager()) {
          NDList out = block.forward(new ParameterStore(pass, false), new NDList(data), false);
          out.head().toFloatArray(); // waits for MXNet's asynchronous engine
          out.close();
        }
      }
      print(network, batch, "mxnet", false);
      manager.close();
    }
  }

  private static void print(String network, int batch, String framework, boolean kindling)
      throws IOException {
    Map<String, Long> status = status();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long direct = directBytes();
    long inUse = -1;
    long pooled = -1;
    long peak = -1;
    if (kindling) {
      Storage.Stats s = Storage.get().stats();
      inUse = s.inUseBytes();
      pooled = s.pooledBytes();
      peak = s.peakInUseBytes();
    }
    // what of the direct buffers is still reachable: the rest waited for a collection
    System.gc();
    try {
      Thread.sleep(500); // the cleaner thread frees the buffers found unreachable
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long live = directBytes();
    System.out.printf(Locale.ROOT,
        "mem\t%s\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d%n",
        network, batch, framework, status.get("VmHWM") >> 10, status.get("VmRSS") >> 10,
        status.get("RssAnon") >> 10, status.get("RssFile") >> 10, heap.getUsed() >> 20,
        heap.getCommitted() >> 20, direct >> 20, mib(inUse), mib(pooled), mib(peak),
        live >> 20);
    System.out.flush();
  }

  /** The JVM's direct buffers' bytes (reachable or not yet collected). */
  private static long directBytes() {
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        return b.getMemoryUsed();
      }
    }
    return 0;
  }

  private static long mib(long bytes) {
    return bytes < 0 ? -1 : bytes >> 20;
  }

  /** The {@code kB} fields of {@code /proc/self/status}. */
  private static Map<String, Long> status() throws IOException {
    Map<String, Long> m = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.endsWith(" kB")) {
        m.put(line.substring(0, colon),
            Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
      }
    }
    return m;
  }
}
