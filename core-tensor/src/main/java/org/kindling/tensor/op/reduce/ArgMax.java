package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import org.kindling.tensor.op.OpDef;

/**
 * {@code argmax}: the index of the maximum along {@code axis} (None: of the flattened input), first
 * occurrence on ties, the first NaN if any; zero gradient. See {@link SearchAxisOp}.
 */
@AutoService(OpDef.class)
public final class ArgMax extends SearchAxisOp {
  /** The operator. */
  public static final ArgMax OP = new ArgMax();

  /** For the service loader; use {@link #OP}. */
  public ArgMax() {
    super("argmax", true);
  }
}
