package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.kindling.tensor.profile.Profiler;

/**
 * One kernel call: the workspace it got, the oneDNN memory objects it uses, and a {@link
 * PointerScope} that frees any other native object made during the call (the
 * primitives, made before, are not in it).
 *
 * <p>The memory objects come from a {@link Reuse} of the kernel's, kept from its earlier calls:
 * a kernel's calls wrap the same layouts in the same order, so the i-th {@link #wrap} of a call
 * gets the memory object the i-th wrap of the last call made for the same descriptor, pointed
 * at the new data ({@code set_data_handle}). Making them anew per call (a native allocation and
 * JavaCPP's deallocator bookkeeping each, about 5 per layer) was a few percent of a batch-1
 * pass.
 */
final class Call implements AutoCloseable {
  final Dnnl dnnl;
  final ByteBuffer workspace;
  private final int threads;
  private final Reuse reuse;
  private final Queue<Reuse> pool;
  private final PointerScope scope = new PointerScope();
  private int wraps;

  /**
   * @param reuse the objects of earlier calls, used by this call alone until {@link #close},
   *     which gives it back to {@code pool}
   */
  Call(Dnnl dnnl, ByteBuffer workspace, int threads, Reuse reuse, Queue<Reuse> pool) {
    this.dnnl = dnnl;
    this.workspace = workspace;
    this.threads = threads;
    this.reuse = reuse;
    this.pool = pool;
  }

  /** A oneDNN memory of layout {@code desc} over {@code data} (not copied). */
  memory wrap(memory.desc desc, ByteBuffer data) {
    return reuse.memory(wraps++, desc, this, new Pointer(data));
  }

  /** A oneDNN memory of layout {@code desc} over the workspace slot at {@code offset}. */
  memory slot(memory.desc desc, long offset) {
    return wrap(desc, Scratch.slice(workspace, offset, desc.get_size()));
  }

  /**
   * An empty argument map (a new one: a map of an earlier call could hold arguments this call
   * does not put, and a primitive given an argument it does not expect may fail).
   */
  IntMemoryMap args() {
    return new IntMemoryMap();
  }

  /**
   * Runs {@code p} with {@code args} and waits for it; {@code what} names it in the profile
   * ({@link Profiler}; null when the profiler is not running).
   */
  void run(primitive p, IntMemoryMap args, String what) {
    long began = Profiler.begin();
    dnnl.execute(p, args, threads);
    Profiler.end(Profiler.DNNL, what, began);
  }

  /** {@code p}, made during this call, out of its scope: it lives as long as it is reachable. */
  private <P extends Pointer> P kept(P p) {
    p.retainReference(); // detach releases the scope's reference
    scope.detach(p);
    return p;
  }

  @Override
  public void close() {
    scope.close();
    pool.offer(reuse);
  }

  /**
   * The memory objects of a kernel's calls, by their order in the call; one
   * call at a time uses it (a kernel running on two threads at once has two).
   */
  static final class Reuse {
    private final List<memory.desc> descs = new ArrayList<>();
    private final List<memory> memories = new ArrayList<>();

    /**
     * The i-th memory of a call: the last call's i-th if it had the same descriptor (the same
     * object: kernels keep theirs), pointed at {@code data}; else a new one, kept in its place.
     */
    memory memory(int i, memory.desc desc, Call c, Pointer data) {
      if (i < descs.size() && descs.get(i) == desc) {
        memory m = memories.get(i);
        m.set_data_handle(data);
        return m;
      }
      memory m = c.kept(new memory(desc, c.dnnl.engine, data));
      if (i < descs.size()) {
        descs.set(i, desc);
        memories.set(i, m);
      } else {
        descs.add(desc);
        memories.add(m);
      }
      return m;
    }

  }
}
