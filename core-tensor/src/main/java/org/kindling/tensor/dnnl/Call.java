package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.kindling.tensor.profile.Profiler;

/**
 * One kernel call: the workspace it got, and a {@link PointerScope} that frees the memory
 * objects and argument maps made during the call (the primitives, made before, are not in it).
 */
final class Call implements AutoCloseable {
  final Dnnl dnnl;
  final ByteBuffer workspace;
  private final int threads;
  private final PointerScope scope = new PointerScope();

  Call(Dnnl dnnl, ByteBuffer workspace, int threads) {
    this.dnnl = dnnl;
    this.workspace = workspace;
    this.threads = threads;
  }

  /** A oneDNN memory of layout {@code desc} over {@code data} (not copied). */
  memory wrap(memory.desc desc, ByteBuffer data) {
    return new memory(desc, dnnl.engine, new Pointer(data));
  }

  /** A oneDNN memory of layout {@code desc} over the workspace slot at {@code offset}. */
  memory slot(memory.desc desc, long offset) {
    return wrap(desc, Scratch.slice(workspace, offset, desc.get_size()));
  }

  /** An empty argument map. */
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

  @Override
  public void close() {
    scope.close();
  }
}
