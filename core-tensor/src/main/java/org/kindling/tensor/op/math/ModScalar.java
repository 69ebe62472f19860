package org.kindling.tensor.op.math;

import com.google.auto.service.AutoService;
import java.util.List;
import org.kindling.tensor.Shape;
import org.kindling.tensor.op.Domain;
import org.kindling.tensor.op.OpDef;
import org.kindling.tensor.op.Sample;

/**
 * {@code _mod_scalar} (alias _ModScalar): {@code data mod scalar} with the scalar's sign (Python's
 * {@code %}), 0 for a zero scalar; gradient {@code dy}. Parameters {@code scalar} (default 1) and
 * {@code is_int} (default true); see {@link ScalarBinary}.
 */
@AutoService(OpDef.class)
public final class ModScalar extends ScalarBinary {
  /** The operator. */
  public static final ModScalar OP = new ModScalar();

  /** For the service loader; use {@link #OP}. */
  public ModScalar() {
    super("_mod_scalar", List.of("_ModScalar"), BinaryFn.MOD, false);
  }

  @Override
  public List<Sample<ScalarParams>> samples() {
    return List.of(
        Sample.of(ScalarParams.of(1.3), Shape.of(3, 4)).domain(0, Domain.range(0.1, 1.2)),
        Sample.of(ScalarParams.of(-1.3), Shape.of(3, 4)).domain(0, Domain.range(0.1, 1.2)),
        Sample.of(ScalarParams.of(0.7), Shape.of(5000)).noGradientCheck(),
        Sample.of(ScalarParams.of(0), Shape.of(3, 4)).noGradientCheck());
  }
}
