package org.kindling.tensor.dnnl;

import java.nio.ByteBuffer;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.kindling.tensor.op.Layout;
import org.kindling.tensor.op.TensorView;
import org.kindling.tensor.profile.Profiler;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

/**
 * One tensor argument of a primitive: the caller's row-major layout ({@code user}) and the
 * layout the primitive chose ({@code inner}, oneDNN's blocked formats under
 * {@code format_tag_any}), with the reorders between them made once. An input whose layouts
 * differ is reordered into a workspace slot before the call; an output is written to a slot and
 * reordered back, or accumulated into the caller's tensor (a reorder with a sum post-op) for a
 * gradient requested as {@code add}.
 */
final class Operand {
  private final memory.desc user;
  private final memory.desc inner;
  private final boolean same;
  private final long offset;
  private final reorder convert;
  private final reorder accumulate;

  private Operand(memory.desc user, memory.desc inner, boolean output, Scratch scratch,
      Dnnl dnnl) {
    this.user = user;
    this.inner = inner;
    this.same = user.equals(inner);
    this.offset = same && !output || scratch == null ? -1 : scratch.reserve(inner.get_size());
    if (same || output && scratch == null) {
      // a slotless output never reorders; a slotless input keeps its reorder for readInto
      convert = null;
    } else {
      convert = output ? new reorder(new reorder.primitive_desc(dnnl.engine, inner, dnnl.engine,
          user)) : new reorder(new reorder.primitive_desc(dnnl.engine, user, dnnl.engine, inner));
    }
    if (output && scratch != null) {
      primitive_attr attr = new primitive_attr();
      post_ops ops = new post_ops();
      ops.append_sum();
      attr.set_post_ops(ops);
      accumulate = new reorder(new reorder.primitive_desc(dnnl.engine, inner, dnnl.engine, user,
          attr, false));
    } else {
      accumulate = null;
    }
  }

  /** An input in layout {@code inner}, read from a tensor in layout {@code user}. */
  static Operand input(Dnnl dnnl, memory.desc user, memory.desc inner, Scratch scratch) {
    return new Operand(user, inner, false, scratch, dnnl);
  }

  /**
   * An output in layout {@code inner}, stored into a tensor in layout {@code user}; its slot is
   * reserved even when the layouts agree, for accumulation and discarded results.
   */
  static Operand output(Dnnl dnnl, memory.desc user, memory.desc inner, Scratch scratch) {
    return new Operand(user, inner, true, scratch, dnnl);
  }

  /**
   * An input or output in layout {@code inner} with no workspace slot: for a kernel laid out for
   * views in {@code inner} (decision 0069), whose reorders never run. A row-major tensor that
   * would need one fails ({@link #slot}).
   */
  static Operand slotless(Dnnl dnnl, memory.desc user, memory.desc inner, boolean output) {
    return new Operand(user, inner, output, null, dnnl);
  }

  /** The memory the primitive reads: {@code data} itself, or its reordered copy. */
  memory read(Call c, ByteBuffer data) {
    return same ? c.wrap(user, data) : reorder(c, data, slot(c), "reorder in");
  }

  /**
   * The operand's workspace slot.
   *
   * @throws IllegalStateException if it has none: a kernel laid out for views in its own layout
   *     got a row-major tensor (the executor hands it only the layouts it was laid out for)
   */
  private memory slot(Call c) {
    if (offset < 0) {
      throw new IllegalStateException("a oneDNN operand laid out for layout " + layout()
          + " has no workspace slot for a reorder from row-major " + user.get_size()
          + " bytes; the kernel's withLayouts variant runs only on the layouts it was made for");
    }
    return c.slot(inner, offset);
  }

  /**
   * The memory the primitive reads for {@code t}: {@link #read(Call, ByteBuffer)} for a
   * row-major tensor, the tensor itself for one already in the primitive's layout.
   *
   * @throws IllegalStateException if {@code t} is in another backend layout (the executor only
   *     hands a kernel the layouts it agreed to read)
   */
  memory read(Call c, TensorView t) {
    if (t.layout() == Layout.ROW_MAJOR) {
      return read(c, t.data());
    }
    return c.wrap(checked(t), t.data());
  }

  /**
   * The memory a forward primitive writes for {@code t}: the tensor itself when it is in the
   * primitive's layout (then {@link #store(Call, memory, TensorView)} does nothing), else as
   * {@link #target(Call, ByteBuffer, boolean)}.
   */
  memory target(Call c, TensorView t) {
    if (t.layout() == Layout.ROW_MAJOR) {
      return target(c, t.data(), false);
    }
    return c.wrap(checked(t), t.data());
  }

  /** Stores what the primitive wrote into {@code m} into {@code t}, if not there already. */
  void store(Call c, memory m, TensorView t) {
    if (t.layout() == Layout.ROW_MAJOR) {
      store(c, m, t.data(), false);
    }
  }

  /** The layout this operand's primitive uses, as a token ({@link DnnlLayout#of}). */
  Layout layout() {
    return DnnlLayout.of(inner, user);
  }

  private memory.desc checked(TensorView t) {
    if (!DnnlLayout.is(t.layout(), inner)) {
      throw new IllegalStateException("a oneDNN primitive of layout " + layout() + " got "
          + t.dtype().numpyName() + t.shape() + " in layout " + t.layout());
    }
    return inner;
  }

  /** True if the primitive reads the caller's layout as it is (no reorder). */
  boolean direct() {
    return same;
  }

  /** The caller's layout. */
  memory.desc user() {
    return user;
  }

  /** The primitive's layout. */
  memory.desc inner() {
    return inner;
  }

  /**
   * Reorders {@code data} into {@code into}, a buffer of at least {@code inner().get_size()}
   * bytes that outlives the call (not a workspace slot), and returns the memory over it.
   */
  memory readInto(Call c, ByteBuffer data, ByteBuffer into, String what) {
    return reorder(c, data, c.wrap(inner, into), what);
  }

  private memory reorder(Call c, ByteBuffer data, memory to, String what) {
    Args args = c.args();
    args.put(DNNL_ARG_FROM, c.wrap(user, data));
    args.put(DNNL_ARG_TO, to);
    c.run(convert, args, Profiler.isRunning() ? what : null);
    return to;
  }

  /**
   * The memory the primitive writes: {@code data} itself when it can take the result directly,
   * else the slot ({@code data} null: the result is discarded).
   */
  memory target(Call c, ByteBuffer data, boolean add) {
    return same && !add && data != null ? c.wrap(user, data) : slot(c);
  }

  /** Stores (or adds) what the primitive wrote into {@code m} into {@code data}. */
  void store(Call c, memory m, ByteBuffer data, boolean add) {
    if (data == null || same && !add) {
      return;
    }
    Args args = c.args();
    args.put(DNNL_ARG_FROM, m);
    args.put(DNNL_ARG_TO, c.wrap(user, data));
    c.run(add ? accumulate : convert, args,
        Profiler.isRunning() ? add ? "reorder out (add)" : "reorder out" : null);
  }
}
