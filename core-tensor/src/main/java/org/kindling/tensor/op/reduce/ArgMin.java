package org.kindling.tensor.op.reduce;

import com.google.auto.service.AutoService;
import org.kindling.tensor.op.OpDef;

/**
 * {@code argmin}: the index of the minimum along {@code axis} (None: of the flattened input), first
 * occurrence on ties, the first NaN if any; zero gradient. See {@link SearchAxisOp}.
 */
@AutoService(OpDef.class)
public final class ArgMin extends SearchAxisOp {
  /** The operator. */
  public static final ArgMin OP = new ArgMin();

  /** For the service loader; use {@link #OP}. */
  public ArgMin() {
    super("argmin", false);
  }
}
