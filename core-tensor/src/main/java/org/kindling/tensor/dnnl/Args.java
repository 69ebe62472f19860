package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.PointerScope;

/**
 * The arguments of one oneDNN call: (argument kind, memory) pairs in a native
 * {@code dnnl_exec_arg_t} array that {@link Dnnl#execute(org.bytedeco.dnnl.primitive, Args,
 * int)} hands to {@code dnnl_primitive_execute} as it is. A thread's {@link Frame} keeps its
 * argument lists and clears them per call, where a JavaCPP {@code IntMemoryMap} was made, filled
 * through JNI, copied by the C++ API into such an array and freed on every call (1 µs of a
 * tiny call's 4.7, CallCostProbe). Put the same kind twice and the second memory replaces the
 * first, as in a map.
 */
final class Args {
  private int[] kinds = new int[8];
  private dnnl_memory[] handles = new dnnl_memory[8];
  private int count;
  private dnnl_exec_arg_t array;
  private int capacity;

  /** Sets argument {@code kind} (a {@code DNNL_ARG_*}) to {@code m}; returns this. */
  Args put(int kind, memory m) {
    dnnl_memory h = m instanceof BoundMemory b ? b.handle : m.get();
    for (int i = 0; i < count; i++) {
      if (kinds[i] == kind) {
        handles[i] = h;
        return this;
      }
    }
    if (count == kinds.length) {
      kinds = java.util.Arrays.copyOf(kinds, count * 2);
      handles = java.util.Arrays.copyOf(handles, count * 2);
    }
    kinds[count] = kind;
    handles[count] = h;
    count++;
    return this;
  }

  /** The number of arguments. */
  int count() {
    return count;
  }

  /** Drops every argument (the next call's list starts empty). */
  void clear() {
    java.util.Arrays.fill(handles, 0, count, null);
    count = 0;
  }

  /** The arguments as oneDNN's C array, at position 0, valid until the next put or clear. */
  dnnl_exec_arg_t toNative() {
    if (count > capacity) {
      capacity = Math.max(count, 2 * capacity);
      // outlives any scope of the caller: freed by the collector with this list
      array = detached(new dnnl_exec_arg_t(capacity));
    }
    for (int i = 0; i < count; i++) {
      array.position(i).arg(kinds[i]).memory(handles[i]);
    }
    return array.position(0);
  }

  /** {@code p}, out of the caller's pointer scope if there is one (it outlives the call). */
  static <P extends org.bytedeco.javacpp.Pointer> P detached(P p) {
    PointerScope scope = PointerScope.getInnerScope();
    if (scope != null) {
      p.retainReference(); // detach releases the scope's reference
      scope.detach(p);
    }
    return p;
  }
}
