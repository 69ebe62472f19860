package org.kindling.tensor.dnnl;

import org.kindling.tensor.op.CpuAccel;
import org.kindling.tensor.op.Kernel;
import org.kindling.tensor.op.KernelFactory;
import org.kindling.tensor.op.KernelSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oneDNN kernel factory of one operator: applies {@link CpuAccel}'s mode to that operator's
 * rules. With {@code auto} it returns null (the default kernel runs) where a rule fails or
 * oneDNN finds no implementation; with {@code force} it fails instead, naming the operator, the
 * signature and the rule; with {@code off} it never makes a kernel.
 *
 * @param <P> the operator's parameter record
 */
final class DnnlFactory<P> implements KernelFactory<P> {
  /** Above the default kernels' 0. */
  static final int PRIORITY = 10;
  private static final Logger LOG = LoggerFactory.getLogger(DnnlFactory.class);

  /** What oneDNN runs of one operator, and how. */
  interface Rules<P> {
    /**
     * Why oneDNN does not run these parameters and float32 tensors (the table of docs/accel.md),
     * or null if it does.
     */
    String unsupported(P p, KernelSignature sig);

    /** The kernel, for parameters and tensors that passed {@link #unsupported}. */
    Kernel make(Dnnl dnnl, P p, KernelSignature sig, int threads);
  }

  private final String op;
  private final Rules<P> rules;

  DnnlFactory(String op, Rules<P> rules) {
    this.op = op;
    this.rules = rules;
  }

  @Override
  public String backend() {
    return "dnnl";
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * @throws IllegalArgumentException with {@code force}, if oneDNN cannot run these parameters
   *     and tensors
   */
  @Override
  public Kernel create(P params, KernelSignature sig) {
    CpuAccel.Settings s = CpuAccel.settings();
    if (s.mode() == CpuAccel.Mode.OFF) {
      return null;
    }
    String reason = sig.allFloat32() ? rules.unsupported(params, sig)
        : "oneDNN kernels here compute float32 only";
    Dnnl dnnl = null;
    if (reason == null) {
      dnnl = Dnnl.get();
      reason = dnnl == null ? Dnnl.unavailableReason() : null;
    }
    if (reason == null) {
      try {
        dnnl.useThreads(s.threads()); // the primitives plan their work for the calls' threads
        return rules.make(dnnl, params, sig, s.threads());
      } catch (WorkspaceBound.Declined e) {
        reason = e.getMessage();
      } catch (RuntimeException e) {
        // oneDNN refused the descriptor (no implementation for this shape)
        reason = "oneDNN has no implementation: " + e.getMessage();
      }
    }
    if (s.mode() == CpuAccel.Mode.FORCE) {
      throw new IllegalArgumentException(op + " " + params + " on " + sig
          + " cannot run on oneDNN with -D" + CpuAccel.MODE + "=force: " + reason
          + " (use auto to let the default kernel run it)");
    }
    LOG.debug("{} {} on {}: default kernel ({})", op, params, sig, reason);
    return null;
  }
}
