package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.kindling.tensor.profile.Profiler;

/**
 * One kernel call: the workspace it got, and the calling thread's {@link Frame}, whose memory
 * objects and argument lists the call's wraps reuse (pointed at this call's buffers) and which
 * closing the call hands back. Nothing is made or freed per call once a thread has run a kernel;
 * open, use and close a call on one thread.
 */
final class Call implements AutoCloseable {
  final Dnnl dnnl;
  final ByteBuffer workspace;
  private final int threads;
  private final ThreadFrames thread;
  private final Frame frame;

  Call(Dnnl dnnl, ByteBuffer workspace, int threads) {
    this.dnnl = dnnl;
    this.workspace = workspace;
    this.threads = threads;
    this.thread = dnnl.frames();
    this.frame = thread.enter();
  }

  /** A oneDNN memory of layout {@code desc} over {@code data} (not copied), for this call. */
  memory wrap(memory.desc desc, ByteBuffer data) {
    return frame.wrap(desc, data);
  }

  /** A oneDNN memory of layout {@code desc} over the workspace slot at {@code offset}. */
  memory slot(memory.desc desc, long offset) {
    return frame.slot(desc, workspace, offset);
  }

  /** An empty argument list, for this call. */
  Args args() {
    return frame.args();
  }

  /**
   * Runs {@code p} with {@code args} and waits for it; {@code what} names it in the profile
   * ({@link Profiler}; null when the profiler is not running).
   */
  void run(primitive p, Args args, String what) {
    long began = Profiler.begin();
    dnnl.execute(p, args, threads, thread);
    Profiler.end(Profiler.DNNL, what, began);
  }

  @Override
  public void close() {
    thread.exit(frame);
  }
}
