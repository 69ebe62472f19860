package org.kindling.tensor.dnnl;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.kindling.tensor.profile.Profiler;

/**
 * Not a test: the calling thread's CPU time per piece of the Java around one oneDNN call, on a
 * primitive whose own work is negligible (a ReLU over 16 floats), so that what is measured is
 * the wrapping and not oneDNN. CPU time of this thread ({@link ThreadMXBean}) and not wall time,
 * so that other processes on a shared machine delay the rounds but do not add to the figures.
 *
 * <p>{@code java -cp <core-tensor test and main classes, dependencies>
 * org.kindling.tensor.dnnl.CallCostProbe [CALLS [ROUNDS [THREADS]]]} prints, per piece, the
 * median over the rounds of ns per call. The pieces run interleaved round by round.
 */
public final class CallCostProbe {
  private CallCostProbe() {}

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Dnnl dnnl = Dnnl.get();
    dnnl.useThreads(threads);
    memory.desc md = DnnlKernel.md(new long[] {1, 16}, memory.format_tag.nc);
    var pd = new eltwise_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
        algorithm.eltwise_relu, md, md, 0f, 0f, DnnlKernel.userScratchpad(), false);
    primitive p = new eltwise_forward(pd);
    ByteBuffer src = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
    ByteBuffer dst = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
    ByteBuffer ws = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    stream s = new stream(dnnl.engine);
    memory ms = new memory(md, dnnl.engine, new Pointer(src));
    memory mdst = new memory(md, dnnl.engine, new Pointer(dst));
    IntMemoryMap kept = new IntMemoryMap();
    kept.put(DNNL_ARG_SRC, ms);
    kept.put(DNNL_ARG_DST, mdst);
    Pointer ps = new Pointer(src);
    Pointer pdst = new Pointer(dst);
    Scratch plan = new Scratch();
    long slot = plan.reserve(64);
    Map<String, Runnable> pieces = new LinkedHashMap<>();
    pieces.put("execute+wait, kept memories and map", () -> {
      p.execute(s, kept);
      s._wait();
    });
    pieces.put("Dnnl.execute (threads, semaphore, thread's stream)",
        () -> dnnl.execute(p, kept, threads));
    pieces.put("Profiler.begin/end (off)", () -> Profiler.end(Profiler.DNNL, null,
        Profiler.begin()));
    pieces.put("2 x new Pointer(ByteBuffer)", () -> {
      new Pointer(src);
      new Pointer(dst);
    });
    pieces.put("empty PointerScope open+close", () -> {
      try (PointerScope scope = new PointerScope()) {
        // nothing
      }
    });
    pieces.put("2 x new memory in a scope (made, freed)", () -> {
      try (PointerScope scope = new PointerScope()) {
        new memory(md, dnnl.engine, ps);
        new memory(md, dnnl.engine, pdst);
      }
    });
    pieces.put("new IntMemoryMap + 2 puts in a scope", () -> {
      try (PointerScope scope = new PointerScope()) {
        IntMemoryMap m = new IntMemoryMap();
        m.put(DNNL_ARG_SRC, ms);
        m.put(DNNL_ARG_DST, mdst);
      }
    });
    pieces.put("2 x set_data_handle (kept Pointer)", () -> {
      ms.set_data_handle(ps);
      mdst.set_data_handle(pdst);
    });
    pieces.put("Scratch.slice", () -> Scratch.slice(ws, slot, 64));
    pieces.put("main's Call (scope, 2 new memories, map, C++ execute)", () -> {
      try (PointerScope scope = new PointerScope()) {
        IntMemoryMap a = new IntMemoryMap();
        a.put(DNNL_ARG_SRC, new memory(md, dnnl.engine, new Pointer(src)));
        a.put(DNNL_ARG_DST, new memory(md, dnnl.engine,
            new Pointer(Scratch.slice(ws, slot, md.get_size()))));
        long began = Profiler.begin();
        dnnl.execute(p, a, threads);
        Profiler.end(Profiler.DNNL, null, began);
      }
    });
    pieces.put("this Call: wrap src, slot dst, args, run, close", () -> {
      try (Call c = new Call(dnnl, ws, threads)) {
        Args a = c.args();
        a.put(DNNL_ARG_SRC, c.wrap(md, src));
        a.put(DNNL_ARG_DST, c.slot(md, slot));
        c.run(p, a, null);
      }
    });
    ThreadFrames tf = dnnl.frames();
    Frame fr = new Frame(dnnl);
    pieces.put("  of which: frame wrap + slot + args + end", () -> {
      Args a = fr.args();
      a.put(DNNL_ARG_SRC, fr.wrap(md, src));
      a.put(DNNL_ARG_DST, fr.slot(md, ws, slot));
      a.toNative();
      fr.end();
    });
    pieces.put("  of which: p.get()", () -> p.get());
    pieces.put("  of which: 2 x BufferAddress.of", () -> {
      BufferAddress.of(src);
      BufferAddress.of(dst);
    });
    Args kept2 = new Args().put(DNNL_ARG_SRC, ms).put(DNNL_ARG_DST, mdst);
    pieces.put("  of which: C execute+wait, kept args", () ->
        dnnl.execute(p, kept2, threads, tf));
    Map<String, double[]> ns = new LinkedHashMap<>();
    pieces.keySet().forEach(k -> ns.put(k, new double[rounds]));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int warm = 0; warm < 2; warm++) {
      for (Runnable r : pieces.values()) {
        for (int i = 0; i < calls; i++) {
          r.run();
        }
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Runnable> e : pieces.entrySet()) {
        Runnable r = e.getValue();
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < calls; i++) {
          r.run();
        }
        ns.get(e.getKey())[round] = (mx.getCurrentThreadCpuTime() - t0) / (double) calls;
      }
    }
    System.out.printf(Locale.ROOT, "threads %d, %d calls x %d rounds; ns per call of the calling"
        + " thread's CPU (median, min, max of rounds)%n", threads, calls, rounds);
    for (Map.Entry<String, double[]> e : ns.entrySet()) {
      double[] v = e.getValue().clone();
      Arrays.sort(v);
      System.out.printf(Locale.ROOT, "%-55s %8.0f %8.0f %8.0f%n", e.getKey(), v[v.length / 2],
          v[0], v[v.length - 1]);
    }
    System.exit(0);
  }
}
