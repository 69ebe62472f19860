package org.kindling.tensor.dnnl;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.stream;

/**
 * One thread's oneDNN state: its stream (a oneDNN stream is not to be used from two threads at
 * once), the stream's C handle, and a stack of {@link Frame}s, one per open {@link Call} (a
 * kernel may open a call inside another's on the same thread).
 */
final class ThreadFrames {
  final stream stream;
  final dnnl_stream handle;
  private final Dnnl dnnl;
  private final List<Frame> frames = new ArrayList<>(2);
  private int depth;

  ThreadFrames(Dnnl dnnl, stream stream) {
    this.dnnl = dnnl;
    this.stream = stream;
    this.handle = stream.get();
  }

  /** The frame of a call opened now. */
  Frame enter() {
    if (depth == frames.size()) {
      frames.add(new Frame(dnnl));
    }
    return frames.get(depth++);
  }

  /** Closes the innermost call's frame. */
  void exit(Frame f) {
    if (depth == 0 || frames.get(depth - 1) != f) {
      throw new IllegalStateException("oneDNN calls closed out of order on thread "
          + Thread.currentThread().getName());
    }
    f.end();
    depth--;
  }
}
