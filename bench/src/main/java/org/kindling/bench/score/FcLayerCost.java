package org.kindling.bench.score;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpRegistry;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.op.nn.FullyConnected;
import org.kindling.tensor.storage.Storage;

/**
 * One FullyConnected layer's inference call (with bias) by three ways, interleaved call by call
 * over the same weights in Kindling's storage (huge pages where {@code auto}): {@code kindling}
 * (the kernel the registry picks), {@code brg} (the inner product oneDNN ranks first under
 * {@code format_tag::any}, Kindling's choice before decision 0057, its weights reordered once
 * where it wants them blocked) and {@code gemm} (oneDNN's {@code gemm:jit} inner product over
 * plain layouts). Linux, 64-bit.
 *
 * <p>{@code java -cp ... org.kindling.bench.score.FcLayerCost NUM_HIDDEN K ROWS ROUNDS
 * [THREADS] [FLUSH]} prints per way the median and minimum wall time of a call, its process CPU
 * time and its critical path (the largest CPU time one thread of the JVM spent in the call: on
 * cores of its own a call takes about that long, however loaded the machine), in ms, the
 * weights' GB/s over the critical path, and in how many rounds each way beat {@code brg}. With
 * FLUSH 1 (default) a 640 MB buffer is read between calls, so that each call streams its
 * weights from memory as in a network's pass, not from the last-level cache.
 */
public final class FcLayerCost {
  private static final long FLUSH_BYTES = 640L << 20;

  private FcLayerCost() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int k = Integer.parseInt(args[1]);
    int rows = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    boolean flush = args.length <= 5 || args[5].equals("1");
    System.setProperty(CpuAccel.THREADS, Integer.toString(threads));
    System.setProperty(ThreadBudget.CORES, Integer.toString(threads));
    PassCost.LibC libc = com.sun.jna.Native.load("c", PassCost.LibC.class);

    ByteBuffer x = buffer((long) rows * k, 1);
    ByteBuffer w = buffer((long) n * k, 2);
    ByteBuffer b = buffer(n, 3);
    FullyConnected.Params p = FullyConnected.Params.of(n);
    KernelSignature sig = new KernelSignature(
        new Shape[] {Shape.of(rows, k), Shape.of(n, k), Shape.of(n)},
        new DType[] {DType.FLOAT32, DType.FLOAT32, DType.FLOAT32},
        new Shape[] {Shape.of(rows, n)}, new DType[] {DType.FLOAT32});
    Kernel kernel = OpRegistry.select(FullyConnected.OP, p, sig); // loads oneDNN, passive wait
    TensorView[] in = {TensorView.of(x, DType.FLOAT32, sig.in(0)),
        TensorView.of(w, DType.FLOAT32, sig.in(1)), TensorView.of(b, DType.FLOAT32, sig.in(2))};
    OpContext ctx = new OpContext(false, buffer(Math.max(16, kernel.forwardWorkspaceBytes() / 4),
        0), null).withInputVersions(new long[] {1, 2, 3}); // weights kept as in an executor
    Map<String, ByteBuffer> outs = new HashMap<>();
    Map<String, Runnable> ways = new LinkedHashMap<>();
    outs.put("kindling", buffer((long) rows * n, 0));
    ways.put("kindling", () -> kernel.forward(ctx, in,
        new TensorView[] {TensorView.of(outs.get("kindling"), DType.FLOAT32, sig.out(0))}));
    System.out.println("kindling: " + kernel.implementation());

    setOpenMpThreads(threads);
    engine eng = new engine(engine.kind.cpu, 0);
    stream strm = new stream(eng);
    for (String way : List.of("brg", "gemm")) {
      memory.format_tag plain = way.equals("gemm") ? memory.format_tag.ab : memory.format_tag.any;
      var pd = new inner_product_forward.primitive_desc(eng, prop_kind.forward_inference,
          md(new long[] {rows, k}, plain), md(new long[] {n, k}, plain),
          md(new long[] {n}, memory.format_tag.a), md(new long[] {rows, n}, plain),
          new primitive_attr(), false);
      while (way.equals("gemm") && !pd.impl_info_str().getString().contains("gemm:jit")) {
        if (!pd.next_impl()) {
          throw new IllegalStateException("oneDNN has no gemm:jit inner product here");
        }
      }
      if (!pd.src_desc().equals(md(new long[] {rows, k}, memory.format_tag.ab))
          || !pd.dst_desc().equals(md(new long[] {rows, n}, memory.format_tag.ab))) {
        throw new IllegalStateException(way + " wants blocked data: not measured here");
      }
      // blocked weights (brg_matmul from 2 rows on) are reordered once and kept, as Kindling's
      // inference kernel keeps them
      memory.desc plainW = md(new long[] {n, k}, memory.format_tag.ab);
      ByteBuffer kept = w;
      if (!pd.weights_desc().equals(plainW)) {
        kept = buffer(pd.weights_desc().get_size() / 4, 0);
        IntMemoryMap ra = new IntMemoryMap();
        ra.put(DNNL_ARG_FROM, new memory(plainW, eng, new Pointer(w)));
        ra.put(DNNL_ARG_TO, new memory(pd.weights_desc(), eng, new Pointer(kept)));
        new reorder(new reorder.primitive_desc(eng, plainW, eng, pd.weights_desc()))
            .execute(strm, ra);
        strm._wait();
      }
      System.out.println(way + ": " + pd.impl_info_str().getString());
      ByteBuffer y = buffer((long) rows * n, 0);
      outs.put(way, y);
      IntMemoryMap a = new IntMemoryMap();
      a.put(DNNL_ARG_SRC, new memory(pd.src_desc(), eng, new Pointer(x)));
      a.put(DNNL_ARG_WEIGHTS, new memory(pd.weights_desc(), eng, new Pointer(kept)));
      a.put(DNNL_ARG_BIAS, new memory(md(new long[] {n}, memory.format_tag.a), eng,
          new Pointer(b)));
      a.put(DNNL_ARG_DST, new memory(pd.dst_desc(), eng, new Pointer(y)));
      inner_product_forward prim = new inner_product_forward(pd);
      ways.put(way, () -> {
        prim.execute(strm, a);
        strm._wait();
      });
    }
    List<String> names = new ArrayList<>(ways.keySet());
    long warm = System.nanoTime();
    for (int i = 0; i < 3 || System.nanoTime() - warm < 3_000_000_000L; i++) {
      names.forEach(m -> ways.get(m).run()); // the JIT compiles Kindling's call path meanwhile
    }
    for (String m : names) {
      System.out.printf(Locale.ROOT, "%s: largest difference from brg %.3g%n", m,
          maxDiff(outs.get(m), outs.get("brg"), rows * n));
    }

    ByteBuffer junk = flush ? Storage.get().acquire(FLUSH_BYTES).buffer() : null;
    Map<String, double[][]> t = new HashMap<>(); // way -> {wall, cpu, critical} per round
    names.forEach(m -> t.put(m, new double[3][rounds]));
    double sink = 0;
    for (int r = 0; r < rounds; r++) {
      for (int j = 0; j < names.size(); j++) {
        String m = names.get((r + j) % names.size()); // each way first in turn
        if (junk != null) {
          for (int q = 0; q < FLUSH_BYTES; q += 64) {
            sink += junk.get(q);
          }
        }
        Map<Integer, Long> s0 = threadTimes();
        long c0 = clock(libc, 2);
        long m0 = clock(libc, 3);
        long t0 = System.nanoTime();
        ways.get(m).run();
        long t1 = System.nanoTime();
        long m1 = clock(libc, 3);
        long c1 = clock(libc, 2);
        Map<Integer, Long> s1 = threadTimes();
        int self = libc.gettid();
        long critical = m1 - m0;
        for (Map.Entry<Integer, Long> e : s1.entrySet()) {
          if (e.getKey() != self) {
            critical = Math.max(critical, e.getValue() - s0.getOrDefault(e.getKey(), 0L));
          }
        }
        t.get(m)[0][r] = (t1 - t0) / 1e6;
        t.get(m)[1][r] = (c1 - c0) / 1e6;
        t.get(m)[2][r] = critical / 1e6;
      }
    }
    double gb = (double) n * k * 4 / 1e9;
    System.out.printf(Locale.ROOT, "FullyConnected %dx%d (%.0f MB of weights), %d rows, %d "
        + "threads, flush %s, %d rounds, load %s%n", n, k, gb * 1e3, rows, threads, flush,
        rounds, loadAverage());
    System.out.println("way\twall med\twall min\tcpu med\tcpu min\tcritical med\tGB/s"
        + "\twall<brg\tcpu<brg\tcritical<brg");
    for (String m : names) {
      double[][] v = t.get(m);
      int[] wins = new int[3];
      for (int c = 0; c < 3; c++) {
        for (int r = 0; r < rounds; r++) {
          wins[c] += v[c][r] < t.get("brg")[c][r] ? 1 : 0;
        }
      }
      System.out.printf(Locale.ROOT, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%d/%d\t%d/%d\t%d/%d%n",
          m, median(v[0]), min(v[0]), median(v[1]), min(v[1]), median(v[2]),
          gb / (median(v[2]) / 1e3), wins[0], rounds, wins[1], rounds, wins[2], rounds);
    }
    if (sink == 0.5) {
      System.out.println();
    }
    System.exit(0);
  }

  /** {@code floats} floats from Kindling's storage, filled with seeded values in [-0.01, 0.01). */
  private static ByteBuffer buffer(long floats, long seed) {
    ByteBuffer bb = Storage.get().acquire(floats * 4).buffer();
    SplittableRandom r = new SplittableRandom(seed);
    for (long i = 0; i < floats; i++) {
      bb.putFloat((int) (i * 4), seed == 0 ? 0f : (float) (r.nextDouble() * 0.02 - 0.01));
    }
    return bb;
  }

  private static memory.desc md(long[] dims, memory.format_tag tag) {
    return new memory.desc(dims, memory.data_type.f32, tag);
  }

  /** {@code omp_set_num_threads} of oneDNN's libgomp, for this (the calling) thread. */
  private static void setOpenMpThreads(int threads) {
    for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
      if (e.getKey().contains("gomp") && e.getValue() != null) {
        NativeLibrary.getInstance(e.getValue()).getFunction("omp_set_num_threads")
            .invokeVoid(new Object[] {threads});
        return;
      }
    }
    throw new IllegalStateException("oneDNN's libgomp is not loaded");
  }

  /**
   * Each thread's CPU time so far (ns, {@code /proc/self/task/TID/schedstat}'s first field), but
   * the JIT compilers' and garbage collectors' (they work for the JVM, not for the call).
   */
  private static Map<Integer, Long> threadTimes() {
    Map<Integer, Long> m = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(task -> {
        try {
          String name = Files.readString(task.resolve("comm"));
          if (name.startsWith("C1 ") || name.startsWith("C2 ") || name.startsWith("GC ")
              || name.startsWith("G1 ") || name.startsWith("VM ")) {
            return;
          }
          String s = Files.readString(task.resolve("schedstat"));
          m.put(Integer.parseInt(task.getFileName().toString()),
              Long.parseLong(s.substring(0, s.indexOf(' '))));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  private static long clock(PassCost.LibC libc, int id) {
    long[] ts = new long[2];
    libc.clock_gettime(id, ts);
    return ts[0] * 1_000_000_000L + ts[1];
  }

  private static double maxDiff(ByteBuffer a, ByteBuffer b, int count) {
    double d = 0;
    for (int i = 0; i < count; i++) {
      d = Math.max(d, Math.abs(a.getFloat(i * 4) - b.getFloat(i * 4)));
    }
    return d;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }
}
