package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.op.CpuAccel;

/** {@code spark.kindling.cpu.accel} and {@code spark.kindling.cpu.threads} reach CpuAccel. */
class CpuAccelConfTest {
  @AfterEach
  void reset() {
    CpuAccel.reset();
  }

  @Test
  void theKeysConfigureThisJvmAndTheirAbsenceRestoresTheSystemProperties() {
    KindlingConf.apply(new SparkConf(false).set(CpuAccelConf.MODE, "Off")
        .set(CpuAccelConf.THREADS, "3"));
    assertThat(CpuAccel.settings()).isEqualTo(new CpuAccel.Settings(CpuAccel.Mode.OFF, 3));
    KindlingConf.apply(new SparkConf(false).set(CpuAccelConf.MODE, "force"));
    assertThat(CpuAccel.settings().mode()).isEqualTo(CpuAccel.Mode.FORCE);
    KindlingConf.apply(new SparkConf(false));
    assertThat(CpuAccel.settings().mode()).isEqualTo(
        CpuAccel.Mode.parse(System.getProperty(CpuAccel.MODE, CpuAccel.DEFAULT.toString())));
  }

  @Test
  void optionsBecomeTheKeysInCanonicalForm() {
    assertThat(CpuAccelConf.entries(null, "--accel", null, "--threads")).isEmpty();
    assertThat(CpuAccelConf.entries("OFF", "--accel", " 4", "--threads")).containsExactly(
        entry(CpuAccelConf.MODE, "off"), entry(CpuAccelConf.THREADS, "4"));
    assertThatThrownBy(() -> CpuAccelConf.entries("yes", "--accel", null, "--threads"))
        .hasMessageContaining("--accel=yes is not a mode; use auto, off or force");
    assertThatThrownBy(() -> CpuAccelConf.entries(null, "--accel", "-1", "--threads"))
        .hasMessageContaining("--threads=-1 is not a positive integer");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> CpuAccelConf.apply(new SparkConf(false)
        .set(CpuAccelConf.MODE, "fast")))
        .hasMessageContaining("spark.kindling.cpu.accel=fast")
        .hasMessageContaining("auto, off or force");
    assertThatThrownBy(() -> CpuAccelConf.apply(new SparkConf(false)
        .set(CpuAccelConf.THREADS, "two")))
        .hasMessageContaining("spark.kindling.cpu.threads=two");
    assertThatThrownBy(() -> CpuAccelConf.apply(new SparkConf(false)
        .set(CpuAccelConf.THREADS, "0")))
        .hasMessageContaining("spark.kindling.cpu.threads=0");
  }
}
