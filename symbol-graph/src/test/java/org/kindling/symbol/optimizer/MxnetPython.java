package org.kindling.symbol.optimizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * MXNet 1.9.1's Python optimizer code (python/mxnet/optimizer/optimizer.py, lr_scheduler.py)
 * written out again, independently of Kindling's classes, as the oracle of the optimizer tests:
 * the base class's bookkeeping ({@link Bookkeeping}: counts, {@code num_update}, learning rate
 * and weight decay per parameter name), the schedulers as the stateful objects they are
 * ({@link Schedulers}), and each optimizer's update in float64 ({@link Rule}). The MXNet
 * integration test reuses the bookkeeping and schedulers to drive MXNet's own operators.
 */
public final class MxnetPython {
  private MxnetPython() {}

  /** What one update of one key uses, as Python's {@code update()} computes it. */
  public record Step(double lr, double wd, int t) {}

  /**
   * {@code Optimizer._update_count}, {@code _get_lr} and {@code _get_wd} for a Module that named
   * its parameters ({@code param_idx2name}): {@code wd_mult} 0 for names not ending in
   * {@code _weight} or {@code _gamma} unless given.
   */
  public static final class Bookkeeping {
    private final double learningRate;
    private final IntToDoubleFunction scheduler;
    private final double wd;
    private final int beginNumUpdate;
    private final Map<String, Double> lrMult;
    private final Map<String, Double> wdMult;
    private final Map<String, Integer> counts = new HashMap<>();
    private int numUpdate;

    /**
     * @param learningRate the fixed rate (ignored with a scheduler)
     * @param scheduler the scheduler's {@code __call__}, or null
     */
    public Bookkeeping(double learningRate, IntToDoubleFunction scheduler, double wd,
        int beginNumUpdate, Map<String, Double> lrMult, Map<String, Double> wdMult) {
      this.learningRate = learningRate;
      this.scheduler = scheduler;
      this.wd = wd;
      this.beginNumUpdate = beginNumUpdate;
      this.lrMult = lrMult;
      this.wdMult = wdMult;
      this.numUpdate = beginNumUpdate;
    }

    /** A fixed rate, no multipliers. */
    public Bookkeeping(double learningRate, double wd) {
      this(learningRate, null, wd, 0, Map.of(), Map.of());
    }

    /** Counts an update of {@code key} and returns its rate, decay and count. */
    public Step next(String key) {
      int t = counts.getOrDefault(key, beginNumUpdate) + 1;
      counts.put(key, t);
      numUpdate = Math.max(numUpdate, t);
      double lr = scheduler != null ? scheduler.applyAsDouble(numUpdate) : learningRate;
      lr *= lrMult.getOrDefault(key, 1.0);
      double mult = wdMult.containsKey(key) ? wdMult.get(key)
          : key.endsWith("_weight") || key.endsWith("_gamma") ? 1.0 : 0.0;
      return new Step(lr, wd * mult, t);
    }
  }

  /** MXNet's schedulers as Python's stateful objects (call them with growing counts). */
  public static final class Schedulers {
    private Schedulers() {}

    private static double warmup(double finalLr, double beginLr, int steps, String mode, int n) {
      return mode.equals("linear") ? beginLr + (finalLr - beginLr) * (double) n / (double) steps
          : beginLr;
    }

    /**
     * {@code FactorScheduler(step, factor, stop_factor_lr, base_lr, warmup...)} whose
     * {@code base_lr} the optimizer then sets to {@code optimizerLr} (null: not set).
     */
    public static IntToDoubleFunction factor(int step, double factor, double stop, double baseLr,
        int warmupSteps, double warmupBeginLr, String mode, Double optimizerLr) {
      double[] base = {optimizerLr != null ? optimizerLr : baseLr};
      int[] count = {0};
      return n -> {
        if (n < warmupSteps) {
          return warmup(baseLr, warmupBeginLr, warmupSteps, mode, n);
        }
        while (n > count[0] + step) {
          count[0] += step;
          base[0] *= factor;
          if (base[0] < stop) {
            base[0] = stop;
          }
        }
        return base[0];
      };
    }

    /** {@code MultiFactorScheduler(step, factor, base_lr, warmup...)}. */
    public static IntToDoubleFunction multiFactor(List<Integer> steps, double factor,
        double baseLr, int warmupSteps, double warmupBeginLr, String mode, Double optimizerLr) {
      double[] base = {optimizerLr != null ? optimizerLr : baseLr};
      int[] index = {0};
      return n -> {
        if (n < warmupSteps) {
          return warmup(baseLr, warmupBeginLr, warmupSteps, mode, n);
        }
        while (index[0] <= steps.size() - 1) {
          if (n > steps.get(index[0])) {
            index[0]++;
            base[0] *= factor;
          } else {
            return base[0];
          }
        }
        return base[0];
      };
    }

    /** {@code PolyScheduler(max_update, base_lr, pwr, final_lr, warmup...)}. */
    public static IntToDoubleFunction poly(int maxUpdate, double baseLr, double pwr,
        double finalLr, int warmupSteps, double warmupBeginLr, String mode, Double optimizerLr) {
      double[] base = {optimizerLr != null ? optimizerLr : baseLr};
      double maxSteps = maxUpdate - warmupSteps;
      return n -> {
        if (n < warmupSteps) {
          return warmup(baseLr, warmupBeginLr, warmupSteps, mode, n);
        }
        if (n <= maxUpdate) {
          base[0] = finalLr + (baseLr - finalLr)
              * Math.pow(1 - (double) (n - warmupSteps) / maxSteps, pwr);
        }
        return base[0];
      };
    }

    /** {@code CosineScheduler(max_update, base_lr, final_lr, warmup...)}. */
    public static IntToDoubleFunction cosine(int maxUpdate, double baseLr, double finalLr,
        int warmupSteps, double warmupBeginLr, String mode, Double optimizerLr) {
      double[] base = {optimizerLr != null ? optimizerLr : baseLr};
      double maxSteps = maxUpdate - warmupSteps;
      return n -> {
        if (n < warmupSteps) {
          return warmup(baseLr, warmupBeginLr, warmupSteps, mode, n);
        }
        if (n <= maxUpdate) {
          base[0] = finalLr + (baseLr - finalLr)
              * (1 + Math.cos(Math.PI * (n - warmupSteps) / maxSteps)) / 2;
        }
        return base[0];
      };
    }
  }

  /** One optimizer's update of one weight in float64, from Python's code and the operators. */
  public interface Rule {
    /** How many state arrays {@code create_state} makes. */
    int numStates();

    /** Updates {@code w} and {@code state} in place. */
    void update(double[] w, double[] g, double[][] state, Step s);
  }

  private static double clip(double x, double c) {
    return Math.max(-c, Math.min(c, x));
  }

  /** The operators' gradient: {@code clip(rescale·g, c)} when Python passes a (truthy) clip. */
  private static double opGrad(double g, double rescale, double clip) {
    double x = rescale * g;
    return clip > 0 ? clip(x, clip) : x;
  }

  private static double sign(double x) {
    return x > 0 ? 1 : x < 0 ? -1 : 0;
  }

  /** {@code SGD(momentum)}: sgd_update or sgd_mom_update. */
  public static Rule sgd(double momentum, double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return momentum != 0 ? 1 : 0;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        for (int i = 0; i < w.length; i++) {
          double gi = opGrad(g[i], rescale, clip);
          if (momentum == 0) {
            w[i] = (1 - s.lr() * s.wd()) * w[i] - s.lr() * gi;
          } else {
            st[0][i] = momentum * st[0][i] - s.lr() * s.wd() * w[i] - s.lr() * gi;
            w[i] += st[0][i];
          }
        }
      }
    };
  }

  /** {@code NAG(momentum)}: nag_mom_update, or sgd_update without momentum. */
  public static Rule nag(double momentum, double rescale, double clip) {
    Rule plain = sgd(0, rescale, clip);
    return new Rule() {
      @Override
      public int numStates() {
        return momentum != 0 ? 1 : 0;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        if (momentum == 0) {
          plain.update(w, g, st, s);
          return;
        }
        for (int i = 0; i < w.length; i++) {
          double step = s.lr() * (opGrad(g[i], rescale, clip) + s.wd() * w[i]);
          double m = momentum * st[0][i];
          w[i] = w[i] - m + (momentum + 1) * (m - step);
          st[0][i] = m - step;
        }
      }
    };
  }

  /** {@code Adam}: bias correction folded into lr, then adam_update. */
  public static Rule adam(double beta1, double beta2, double eps, double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return 2;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        double lr = s.lr() * Math.sqrt(1 - Math.pow(beta2, s.t())) / (1 - Math.pow(beta1, s.t()));
        for (int i = 0; i < w.length; i++) {
          double gi = rescale * g[i] + s.wd() * w[i];
          gi = clip > 0 ? clip(gi, clip) : gi;
          st[0][i] = beta1 * st[0][i] + (1 - beta1) * gi;
          st[1][i] = beta2 * st[1][i] + (1 - beta2) * gi * gi;
          w[i] -= lr * st[0][i] / (Math.sqrt(st[1][i]) + eps);
        }
      }
    };
  }

  /** {@code AdamW} (MXNet's later Python class): _adamw_update with lr=1, eta=corrected lr. */
  public static Rule adamw(double beta1, double beta2, double eps, boolean correctBias,
      double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return 2;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        double eta = correctBias
            ? s.lr() * Math.sqrt(1 - Math.pow(beta2, s.t())) / (1 - Math.pow(beta1, s.t()))
            : s.lr();
        for (int i = 0; i < w.length; i++) {
          double gi = opGrad(g[i], rescale, clip);
          st[0][i] = beta1 * st[0][i] + (1 - beta1) * gi;
          st[1][i] = beta2 * st[1][i] + (1 - beta2) * gi * gi;
          w[i] -= eta * (st[0][i] / (Math.sqrt(st[1][i]) + eps) + s.wd() * w[i]);
        }
      }
    };
  }

  /** {@code RMSProp}: rmsprop_update, or rmspropalex_update when centered. */
  public static Rule rmsprop(double gamma1, double gamma2, double eps, boolean centered,
      double clipWeights, double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return centered ? 3 : 1;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        for (int i = 0; i < w.length; i++) {
          double r = rescale * g[i] + s.wd() * w[i];
          r = clip > 0 ? clip(r, clip) : r;
          st[0][i] = (1 - gamma1) * r * r + gamma1 * st[0][i];
          double nw;
          if (centered) {
            st[1][i] = (1 - gamma1) * r + gamma1 * st[1][i];
            st[2][i] = gamma2 * st[2][i]
                - s.lr() * r / Math.sqrt(st[0][i] - st[1][i] * st[1][i] + eps);
            nw = w[i] + st[2][i];
          } else {
            nw = w[i] - s.lr() * r / Math.sqrt(st[0][i] + eps);
          }
          w[i] = clipWeights > 0 ? clip(nw, clipWeights) : nw;
        }
      }
    };
  }

  /** {@code AdaGrad} on dense gradients: Python's NDArray arithmetic. */
  public static Rule adagrad(double eps, double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return 1;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        for (int i = 0; i < w.length; i++) {
          double gi = rescale * g[i];
          gi = clip >= 0 ? clip(gi, clip) : gi;
          st[0][i] += gi * gi;
          w[i] += (gi / Math.sqrt(st[0][i] + eps) + w[i] * s.wd()) * -s.lr();
        }
      }
    };
  }

  /** {@code AdaDelta}: Python's NDArray arithmetic (no learning rate). */
  public static Rule adadelta(double rho, double eps, double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return 2;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        for (int i = 0; i < w.length; i++) {
          double gi = rescale * g[i];
          gi = clip >= 0 ? clip(gi, clip) : gi;
          st[0][i] = rho * st[0][i] + (1 - rho) * gi * gi;
          double delta = Math.sqrt(st[1][i] + eps) / Math.sqrt(st[0][i] + eps) * gi;
          st[1][i] = rho * st[1][i] + (1 - rho) * delta * delta;
          w[i] -= delta + s.wd() * w[i];
        }
      }
    };
  }

  /** {@code Signum}: signum_update, or signsgd_update without momentum. */
  public static Rule signum(double momentum, double wdLh, double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return momentum != 0 ? 1 : 0;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        for (int i = 0; i < w.length; i++) {
          if (momentum == 0) {
            w[i] = (1 - s.lr() * s.wd()) * w[i] - s.lr() * sign(g[i]);
          } else {
            st[0][i] = momentum * st[0][i]
                - (1 - momentum) * (s.wd() * w[i] + opGrad(g[i], rescale, clip));
            w[i] = (1 - s.lr() * wdLh) * w[i] + s.lr() * sign(st[0][i]);
          }
        }
      }
    };
  }

  /** {@code LAMB}: lamb_update_phase1, the two norms, lamb_update_phase2. */
  public static Rule lamb(double beta1, double beta2, double eps, double lower, double upper,
      boolean biasCorrection, double rescale, double clip) {
    return new Rule() {
      @Override
      public int numStates() {
        return 2;
      }

      @Override
      public void update(double[] w, double[] g, double[][] st, Step s) {
        double[] upd = new double[w.length];
        for (int i = 0; i < w.length; i++) {
          double gi = opGrad(g[i], rescale, clip);
          st[0][i] = beta1 * st[0][i] + (1 - beta1) * gi;
          st[1][i] = beta2 * st[1][i] + (1 - beta2) * gi * gi;
          double m = st[0][i];
          double v = st[1][i];
          if (biasCorrection) {
            m /= 1 - Math.pow(beta1, s.t());
            v /= 1 - Math.pow(beta2, s.t());
          }
          upd[i] = m / (Math.sqrt(v) + eps) + s.wd() * w[i];
        }
        double r1 = norm(w);
        double r2 = norm(upd);
        r1 = lower > 0 ? Math.max(r1, lower) : r1;
        r1 = upper > 0 ? Math.min(r1, upper) : r1;
        double lr = r1 == 0 || r2 == 0 ? s.lr() : s.lr() * r1 / r2;
        for (int i = 0; i < w.length; i++) {
          w[i] -= lr * upd[i];
        }
      }
    };
  }

  private static double norm(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
