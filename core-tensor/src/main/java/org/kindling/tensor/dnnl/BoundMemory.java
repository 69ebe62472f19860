package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.Pointer;

/**
 * A oneDNN memory object kept across calls by a thread's {@link Frame} and pointed at each
 * call's data with {@code set_data_handle} (MXNet keeps its memory objects the same way), where a
 * new one was made and freed per call (1.2 µs each, CallCostProbe). Its C handle is kept for
 * {@link Args}. The handle is set on every call, even to the same address: setting it zeroes a
 * blocked layout's padding, as making the memory did, and another kernel sharing the workspace
 * may have written there since.
 */
final class BoundMemory extends memory {
  /** The C handle, for {@code dnnl_exec_arg_t}. */
  final dnnl_memory handle;
  /** The layout's bytes (a workspace slot's bounds check). */
  final long bytes;
  private final Address at = new Address();

  BoundMemory(memory.desc desc, engine engine, long address) {
    super(desc, engine, new Address().at(address));
    this.handle = get();
    this.bytes = desc.get_size();
  }

  /** Points this memory at {@code a} (and zeroes the layout's padding there). */
  BoundMemory at(long a) {
    set_data_handle(at.at(a));
    return this;
  }

  /** A pointer whose address is set from Java, to hand a raw address to JavaCPP. */
  private static final class Address extends Pointer {
    Address at(long a) {
      address = a;
      return this;
    }
  }
}
