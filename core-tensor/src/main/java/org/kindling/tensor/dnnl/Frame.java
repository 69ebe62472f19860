package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.memory;

/**
 * The reusable objects of one oneDNN {@link Call} on one thread: the memory objects, per
 * descriptor, that the call's wraps point at its buffers, and its argument lists. A call's
 * {@code n}-th wrap of a descriptor gets that descriptor's {@code n}-th memory, so two wraps in
 * one call never share one; a call's memories and lists are handed out again only after it
 * closed. A frame belongs to one thread ({@link ThreadFrames}): two engine workers running the
 * same kernel at once use two frames.
 */
final class Frame {
  /** Descriptors kept before the frame forgets them all (kernels of dropped executors). */
  private static final int MAX_DESCS = 1024;

  /** The memories of one descriptor and how many the current call took. */
  private static final class Slot {
    final List<BoundMemory> memories = new ArrayList<>(2);
    int used;
  }

  private final Dnnl dnnl;
  private final Map<memory.desc, Slot> slots = new IdentityHashMap<>();
  private final List<Slot> touched = new ArrayList<>();
  private final List<Args> args = new ArrayList<>();
  private int argsUsed;

  Frame(Dnnl dnnl) {
    this.dnnl = dnnl;
  }

  /** A memory of layout {@code desc} at address {@code address}, for this call only. */
  BoundMemory wrap(memory.desc desc, long address) {
    Slot s = slots.get(desc);
    if (s == null) {
      s = new Slot();
      slots.put(desc, s);
    }
    if (s.used == 0) {
      touched.add(s);
    }
    BoundMemory m;
    if (s.used < s.memories.size()) {
      m = s.memories.get(s.used).at(address);
    } else {
      m = Args.detached(new BoundMemory(desc, dnnl.engine, address));
      s.memories.add(m);
    }
    s.used++;
    return m;
  }

  /** A memory of layout {@code desc} over {@code data} (not copied), for this call only. */
  BoundMemory wrap(memory.desc desc, ByteBuffer data) {
    return wrap(desc, BufferAddress.of(data));
  }

  /**
   * A memory of layout {@code desc} over {@code workspace} from byte {@code offset}.
   *
   * @throws IllegalStateException if the workspace is smaller than the slot's end
   */
  BoundMemory slot(memory.desc desc, ByteBuffer workspace, long offset) {
    BoundMemory m = wrap(desc, BufferAddress.base(workspace) + offset);
    if (offset + m.bytes > workspace.capacity()) {
      throw new IllegalStateException("oneDNN kernel needs " + (offset + m.bytes)
          + " workspace bytes but got " + workspace.capacity());
    }
    return m;
  }

  /** An empty argument list, for this call only. */
  Args args() {
    if (argsUsed == args.size()) {
      args.add(new Args());
    }
    Args a = args.get(argsUsed++);
    a.clear();
    return a;
  }

  /** Ends the call: its memories and argument lists may be handed out again. */
  void end() {
    for (Slot s : touched) {
      s.used = 0;
    }
    touched.clear();
    argsUsed = 0;
    if (slots.size() > MAX_DESCS) {
      forget(); // here, between calls: none of them is in use
    }
  }

  /** Frees every kept memory (only between calls). */
  private void forget() {
    for (Slot s : slots.values()) {
      for (BoundMemory m : s.memories) {
        m.close();
      }
    }
    slots.clear();
  }
}
