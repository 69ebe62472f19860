package org.kindling.tensor.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading {@code kindling.cpu.accel} and {@code kindling.cpu.threads}. */
class CpuAccelSettingsTest {
  @Test
  void propertiesAreParsedWithClearErrors() {
    assertThat(CpuAccel.resolve(Map.of(CpuAccel.MODE, "Force", CpuAccel.THREADS, "3")::get))
        .isEqualTo(new CpuAccel.Settings(CpuAccel.Mode.FORCE, 3));
    assertThat(CpuAccel.resolve(Map.<String, String>of()::get).mode())
        .isEqualTo(CpuAccel.DEFAULT);
    assertThat(CpuAccel.resolve(Map.<String, String>of()::get).threads()).isPositive();
    assertThatThrownBy(() -> CpuAccel.resolve(Map.of(CpuAccel.MODE, "fast")::get))
        .hasMessageContaining("kindling.cpu.accel=fast").hasMessageContaining("auto, off or force");
    assertThatThrownBy(() -> CpuAccel.resolve(Map.of(CpuAccel.THREADS, "0")::get))
        .hasMessageContaining("kindling.cpu.threads=0");
    assertThatThrownBy(() -> CpuAccel.configure(CpuAccel.Mode.AUTO, -1))
        .hasMessageContaining("kindling.cpu.threads");
  }
}
