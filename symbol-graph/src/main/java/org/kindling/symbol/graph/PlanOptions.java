package org.kindling.symbol.graph;

/**
 * How a bound graph is lowered ({@link ExecGraph}, {@link Fusion}) and how the
 * {@link MemoryPlanner} may share buffers, as MXNet's executor switches.
 *
 * <p>From system properties ({@link #fromSystemProperties()}; MXNet's environment variable in
 * brackets): {@code kindling.exec.plan} (default true; false turns everything below off),
 * {@code kindling.exec.inplace} [{@code MXNET_EXEC_ENABLE_INPLACE}] (default true),
 * {@code kindling.exec.matchRange} [{@code NNVM_EXEC_MATCH_RANGE}] (default 16; 0 turns
 * co-sharing off), {@code kindling.exec.autoSearchMatchRange}
 * [{@code NNVM_AUTO_SEARCH_MATCH_RANGE}] (default false), {@code kindling.exec.fuse}
 * (default true), {@code kindling.exec.fold} (default true) and {@code kindling.exec.blocked}
 * (default true).
 *
 * @param inplace let an output take its input's buffer where the operator allows it
 * @param matchRange co-sharing: a value may take a released block of size within
 *     {@code [bytes / matchRange, bytes * matchRange]}; 0 gives every value a new block
 * @param autoSearch try match ranges 1, 2, 4 ... up to {@code matchRange} and keep the smallest
 *     plan
 * @param fuse run activations inside the layer before them ({@link Fusion})
 * @param fold in an inference binding, fold BatchNorms into the convolutions before them
 *     ({@link Fusion#folds}): the same results within float32 rounding, not the same bits
 * @param blocked in an inference binding, run a residual {@code elemwise_add} inside the
 *     convolution before it ({@link Fusion#sums}) and keep values between two kernels that share
 *     a layout of their backend's in that layout (oneDNN's blocked formats; {@link
 *     org.kindling.tensor.op.LayoutAware}): the same results within float32 rounding
 */
public record PlanOptions(boolean inplace, int matchRange, boolean autoSearch, boolean fuse,
    boolean fold, boolean blocked) {
  /** MXNet's defaults (in place, match range 16, no search), with fusion, folding, layouts. */
  public static final PlanOptions DEFAULT = new PlanOptions(true, 16, false, true, true, true);

  /** Nothing shared, fused or folded: every graph entry gets its own buffer and its own step. */
  public static final PlanOptions OFF = new PlanOptions(false, 0, false, false, false, false);

  /** Options with backend layouts and residual sums ({@code blocked}) on. */
  public PlanOptions(boolean inplace, int matchRange, boolean autoSearch, boolean fuse,
      boolean fold) {
    this(inplace, matchRange, autoSearch, fuse, fold, true);
  }

  /** Checks the range. */
  public PlanOptions {
    if (matchRange < 0) {
      throw new IllegalArgumentException("matchRange must be >= 0, got " + matchRange);
    }
  }

  /** These options with folding set. */
  public PlanOptions withFold(boolean v) {
    return new PlanOptions(inplace, matchRange, autoSearch, fuse, v, blocked);
  }

  /** These options with backend layouts and residual sums set. */
  public PlanOptions withBlocked(boolean v) {
    return new PlanOptions(inplace, matchRange, autoSearch, fuse, fold, v);
  }

  /** True if these options share no buffer (fusion aside). */
  public boolean sharesNothing() {
    return !inplace && matchRange == 0;
  }

  /**
   * The options the system properties above set.
   *
   * @throws IllegalArgumentException naming the property if a value does not parse
   */
  public static PlanOptions fromSystemProperties() {
    if (!flag("kindling.exec.plan", true)) {
      return OFF;
    }
    String range = System.getProperty("kindling.exec.matchRange", "16").trim();
    int r;
    try {
      r = Integer.parseInt(range);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-Dkindling.exec.matchRange=" + range
          + " is not an integer (use 0 to turn co-sharing off, 16 by default)", e);
    }
    return new PlanOptions(flag("kindling.exec.inplace", true), r,
        flag("kindling.exec.autoSearchMatchRange", false), flag("kindling.exec.fuse", true),
        flag("kindling.exec.fold", true), flag("kindling.exec.blocked", true));
  }

  private static boolean flag(String name, boolean byDefault) {
    String v = System.getProperty(name);
    if (v == null) {
      return byDefault;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(
          "-D" + name + "=" + v + " is not a boolean (use true or false)");
    };
  }
}
