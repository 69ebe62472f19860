package org.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineInfoTest {

  @Test
  void cpuModelIsTheFirstModelNameLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("cpuinfo");
    Files.writeString(f, "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
        + "model name\t: AMD EPYC 9R45\nprocessor\t: 1\nmodel name\t: other\n");
    assertThat(MachineInfo.cpuModel(f)).isEqualTo("AMD EPYC 9R45");
  }

  @Test
  void missingCpuinfoIsReportedInTheLineInsteadOfFailing(@TempDir Path dir) {
    assertThat(MachineInfo.cpuModel(dir.resolve("absent"))).startsWith("unknown CPU");
  }

  @Test
  void openblasSettingNamesBothVariablesSetOrUnset() {
    assertThat(MachineInfo.openblasSetting(
            Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "512")))
        .isEqualTo("OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE=512");
    assertThat(MachineInfo.openblasSetting(Map.of()))
        .isEqualTo("OPENBLAS_CORETYPE unset, OPENBLAS_L2_SIZE unset");
  }
}
