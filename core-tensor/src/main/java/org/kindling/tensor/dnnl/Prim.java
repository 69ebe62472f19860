package org.kindling.tensor.dnnl;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;

/**
 * A primitive made once from its descriptor, with its scratchpad slot in the kernel's
 * {@link Scratch} plan.
 */
final class Prim {
  private final primitive p;
  private final memory.desc pad;
  private final long padOffset;
  private final String impl;

  /**
   * @param pd the descriptor, made with {@link DnnlKernel#userScratchpad()}
   * @param p the primitive made from {@code pd}
   */
  Prim(primitive_desc_base pd, primitive p, Scratch scratch) {
    this.p = p;
    this.pad = pd.scratchpad_desc();
    this.padOffset = pad.get_size() > 0 ? scratch.reserve(pad.get_size()) : -1;
    this.impl = pd.impl_info_str().getString();
  }

  /** The same primitive with its scratchpad slot in another plan. */
  Prim(Prim base, Scratch scratch) {
    this.p = base.p;
    this.pad = base.pad;
    this.padOffset = pad.get_size() > 0 ? scratch.reserve(pad.get_size()) : -1;
    this.impl = base.impl;
  }

  /** oneDNN's name of the implementation, e.g. {@code brg_conv_fwd:avx512_core}. */
  String impl() {
    return impl;
  }

  /** Runs with {@code args} and the scratchpad; {@code what} names it in the profile. */
  void run(Call c, Args args, String what) {
    if (padOffset >= 0) {
      args.put(DNNL_ARG_SCRATCHPAD, c.slot(pad, padOffset));
    }
    c.run(p, args, what);
  }
}
