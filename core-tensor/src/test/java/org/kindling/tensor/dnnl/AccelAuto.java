package org.kindling.tensor.dnnl;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.kindling.tensor.op.CpuAccel;

/**
 * Runs each test with {@code kindling.cpu.accel=auto} (acceleration is opt-in: the default mode
 * is {@link CpuAccel#DEFAULT}) and restores the properties' settings after it.
 */
final class AccelAuto implements BeforeEachCallback, AfterEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    CpuAccel.configure(CpuAccel.Mode.AUTO, 0);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    CpuAccel.reset();
  }
}
