package org.kindling.tensor.dnnl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelSignature;
import org.kindling.tensor.op.OpContext;
import org.kindling.tensor.op.OpInstance;
import org.kindling.tensor.op.nn.Activation;
import org.kindling.tensor.profile.Profiler;

/**
 * What the oneDNN kernels share: the runtime, the thread count, the descriptors they are made
 * of, the scratchpad (which oneDNN takes from the caller, {@code scratchpad_mode::user}, so that
 * calls on two threads never share one), and the once-per-pass log of the implementation.
 */
abstract class DnnlKernel implements Kernel {
  final Dnnl dnnl;
  private final int threads;
  private final String op;
  private final String signature;
  private final Set<String> reported;
  /** The workspace plan of the forward calls. */
  final Scratch forwardScratch = new Scratch();
  /**
   * The workspace plan of the backward calls (a context's workspace serves one call at a time,
   * so the two plans share it).
   */
  final Scratch backwardScratch = new Scratch();

  DnnlKernel(Dnnl dnnl, int threads, String op, KernelSignature sig) {
    this.dnnl = dnnl;
    this.threads = threads;
    this.op = op;
    this.signature = sig.toString();
    this.reported = ConcurrentHashMap.newKeySet();
  }

  /**
   * A kernel of the same runtime, threads, operator and signature as {@code base} (a variant of
   * it), with workspace plans of its own, empty so far.
   */
  DnnlKernel(DnnlKernel base) {
    this.dnnl = base.dnnl;
    this.threads = base.threads;
    this.op = base.op;
    this.signature = base.signature;
    this.reported = base.reported;
  }

  /**
   * Sets this thread's OpenMP thread count to the calls' before primitives are made here (as
   * for a fused variant of this kernel; {@link Dnnl#useThreads} says why).
   */
  final void planThreads() {
    dnnl.useThreads(threads);
  }

  /** The larger of the two plans. */
  @Override
  public long workspaceBytes() {
    return Math.max(forwardScratch.bytes(), backwardScratch.bytes());
  }

  /** The forward plan. */
  @Override
  public long forwardWorkspaceBytes() {
    return forwardScratch.bytes();
  }

  /** A call with {@code ctx}'s workspace; close it when done. */
  final Call call(OpContext ctx) {
    return new Call(dnnl, ctx.workspace(), threads);
  }

  /** Runs {@code p}; on the pass's first call, logs which implementation it got. */
  final void run(Call c, String pass, Prim p, Args args) {
    if (reported.add(pass)) {
      dnnl.report(op, signature, pass, p.impl());
    }
    p.run(c, args, Profiler.isRunning() ? op + " " + pass : null);
  }

  /** A float32 memory descriptor; {@code format_tag.any} lets the primitive choose. */
  static memory.desc md(long[] dims, memory.format_tag tag) {
    return new memory.desc(dims, memory.data_type.f32, tag);
  }

  /** Attributes with a caller-provided scratchpad. */
  static primitive_attr userScratchpad() {
    primitive_attr a = new primitive_attr();
    a.set_scratchpad_mode(org.bytedeco.dnnl.global.dnnl.scratchpad_mode.user);
    return a;
  }

  /**
   * Attributes with a caller-provided scratchpad and the post-ops: if {@code sum}, the
   * destination's prior contents added to the result (oneDNN's {@code sum}, scale 1), then,
   * unless {@code eltwise} is null, that element-wise function, in that order (MXNet's MKL-DNN
   * {@code with_sum} and post-sum ReLU).
   */
  static primitive_attr userScratchpad(boolean sum, algorithm eltwise) {
    primitive_attr a = userScratchpad();
    if (sum || eltwise != null) {
      post_ops ops = new post_ops();
      if (sum) {
        ops.append_sum();
      }
      if (eltwise != null) {
        ops.append_eltwise(eltwise, 0f, 0f);
      }
      a.set_post_ops(ops);
    }
    return a;
  }

  /**
   * The post-op that computes {@code epilogue} inside a layer's forward primitive: oneDNN's
   * relu, tanh or logistic for an {@code Activation} of {@code act_type} relu, tanh or sigmoid
   * (the functions {@link DnnlActivation} runs, with the same element-wise code); null for any
   * other epilogue.
   */
  static algorithm postOp(OpInstance<?> epilogue) {
    if (!(epilogue.params() instanceof Activation.Params a)) {
      return null;
    }
    return switch (a.actType()) {
      case RELU -> algorithm.eltwise_relu;
      case TANH -> algorithm.eltwise_tanh;
      case SIGMOID -> algorithm.eltwise_logistic;
      default -> null;
    };
  }

  /** The dims as longs. */
  static long[] dims(int... d) {
    long[] r = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      r[i] = d[i];
    }
    return r;
  }
}
