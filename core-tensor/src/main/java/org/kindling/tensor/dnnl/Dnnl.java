package org.kindling.tensor.dnnl;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;

import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import org.kindling.tensor.engine.ThreadBudget;
import org.kindling.tensor.op.CpuAccel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oneDNN runtime of this JVM: the CPU engine, one stream per calling thread (a oneDNN stream
 * is not to be used from two threads at once), the OpenMP thread count of each calling thread,
 * and the log of which oneDNN implementation each layer got.
 *
 * <p>oneDNN's bundled libgomp keeps the thread count per calling thread, so each thread sets it
 * before it makes or runs primitives ({@code omp_set_num_threads}, reached through JNA in the
 * very library the preset loaded). Making matters as much as running: a primitive splits its
 * work (and so orders its sums, e.g. a convolution's weight gradient over the batch) for the
 * thread count of the thread that made it, and keeps that split for every call.
 *
 * <p>Calls take one permit of {@link #cores} per OpenMP thread (at most all of them) while they
 * run, so that two engine workers never run two oneDNN calls whose threads together exceed the
 * cores: oversubscribed, OpenMP teams spin against each other and both calls slow down several
 * times. With the default of one thread per core, oneDNN calls run one at a time, each on every
 * core, as MXNet's one CPU worker with OpenMP threads does.
 */
final class Dnnl {
  /** The backend's name in {@link org.kindling.tensor.op.Kernel#implementation()}. */
  static final String NAME = "oneDNN";
  private static final Logger LOG = LoggerFactory.getLogger(Dnnl.class);
  private static final Object LOCK = new Object();
  private static volatile Dnnl instance;
  private static volatile String unavailable;

  final engine engine;
  private final ThreadLocal<ThreadFrames> frames;
  private final Function setThreads;
  private final ThreadLocal<int[]> threadsOfThread = ThreadLocal.withInitial(() -> new int[1]);
  private final Map<String, Boolean> reported = new ConcurrentHashMap<>();
  private final int coreCount = ThreadBudget.fromSystemProperties().cores();
  private final Semaphore cores = new Semaphore(coreCount);

  private Dnnl(engine engine, Function setThreads) {
    this.engine = engine;
    this.frames = ThreadLocal.withInitial(() -> new ThreadFrames(this, newStream()));
    this.setThreads = setThreads;
  }

  /** A stream that outlives any pointer scope open where a thread first needs it. */
  private stream newStream() {
    stream s = new stream(engine);
    PointerScope scope = PointerScope.getInnerScope();
    if (scope != null) {
      s.retainReference(); // detach releases the scope's reference
      scope.detach(s);
    }
    return s;
  }

  /**
   * The runtime, or null if oneDNN's natives do not load here ({@link #unavailableReason} says
   * why; logged once).
   */
  static Dnnl get() {
    Dnnl d = instance;
    if (d != null || unavailable != null) {
      return d;
    }
    synchronized (LOCK) {
      if (instance == null && unavailable == null) {
        try {
          String waitPolicy = OpenMpWaitPolicy.preferPassive();
          Loader.load(org.bytedeco.dnnl.global.dnnl.class);
          instance = new Dnnl(new engine(org.bytedeco.dnnl.engine.kind.cpu, 0), openmpSetThreads());
          org.bytedeco.dnnl.dnnl_version_t v = org.bytedeco.dnnl.global.dnnl.dnnl_version();
          LOG.info("oneDNN {}.{}.{} loaded ({} threads per call, {}={})", v.major(), v.minor(),
              v.patch(), CpuAccel.settings().threads(), OpenMpWaitPolicy.VARIABLE, waitPolicy);
        } catch (Throwable t) {
          unavailable = "oneDNN's natives did not load (" + t + ")";
          LOG.warn("{}; CPU operators use the default kernels", unavailable);
        }
      }
      return instance;
    }
  }

  /** Why {@link #get} returns null, or null if it does not. */
  static String unavailableReason() {
    get();
    return unavailable;
  }

  /** {@code omp_set_num_threads} of the libgomp the preset loaded, or null if none was. */
  private static Function openmpSetThreads() {
    for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
      if (e.getKey().contains("gomp") && e.getValue() != null) {
        return NativeLibrary.getInstance(e.getValue()).getFunction("omp_set_num_threads");
      }
    }
    LOG.warn("the oneDNN preset loaded no libgomp; {} has no effect", CpuAccel.THREADS);
    return null;
  }

  /**
   * Sets this thread's OpenMP thread count. Call it before making primitives too: made on a
   * thread left at another count (a fresh thread has one per core; an engine worker the count
   * of its last call), a primitive would split its work, and round its sums, differently, so
   * the same layer bound in two jobs would not give the same bits.
   */
  void useThreads(int threads) {
    int[] current = threadsOfThread.get();
    if (setThreads != null && current[0] != threads) {
      setThreads.invokeVoid(new Object[] {threads});
      current[0] = threads;
    }
  }

  /** This thread's stream and call frames. */
  ThreadFrames frames() {
    return frames.get();
  }

  /**
   * Runs {@code p} on this thread's stream with {@code threads} OpenMP threads and waits for
   * it.
   */
  void execute(primitive p, IntMemoryMap args, int threads) {
    useThreads(threads);
    stream s = frames.get().stream;
    int permits = Math.min(threads, coreCount);
    cores.acquireUninterruptibly(permits);
    try {
      p.execute(s, args);
      s._wait();
    } finally {
      cores.release(permits);
    }
  }

  /**
   * Runs {@code p} with {@code args} on the stream of {@code thread} (the calling thread's) with
   * {@code threads} OpenMP threads and waits for it, through oneDNN's C API: the argument array
   * goes in as it is, with no map made per call.
   *
   * @throws IllegalStateException naming oneDNN's status if the call or the wait fails
   */
  void execute(primitive p, Args args, int threads, ThreadFrames thread) {
    useThreads(threads);
    int permits = Math.min(threads, coreCount);
    cores.acquireUninterruptibly(permits);
    try {
      check(dnnl_primitive_execute(p.get(), thread.handle, args.count(), args.toNative()),
          "dnnl_primitive_execute", args);
      check(dnnl_stream_wait(thread.handle), "dnnl_stream_wait", args);
    } finally {
      cores.release(permits);
    }
  }

  private static void check(int status, String what, Args args) {
    if (status != dnnl_success) {
      throw new IllegalStateException(what + " failed with oneDNN status " + status + " ("
          + args.count() + " arguments)");
    }
  }

  /**
   * Logs the implementation a layer got: each layer at debug level, and each implementation the
   * first time an operator uses it at info level.
   */
  void report(String op, String signature, String pass, String impl) {
    LOG.debug("oneDNN {} {} {}: {}", op, pass, signature, impl);
    if (reported.putIfAbsent(op + " " + pass + " " + impl, Boolean.TRUE) == null) {
      LOG.info("oneDNN runs {} {} with {} (first: {})", op, pass, impl, signature);
    }
  }
}
