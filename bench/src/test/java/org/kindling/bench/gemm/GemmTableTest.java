package org.kindling.bench.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GemmTableTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String result(String method, int n, String unit, String rawData) {
    return "{\"benchmark\":\"org.kindling.bench.gemm.GemmBenchmark." + method + "\","
        + "\"mode\":\"avgt\",\"params\":{\"n\":\"" + n + "\"},"
        + "\"primaryMetric\":{\"score\":0,\"scoreUnit\":\"" + unit + "\",\"rawData\":" + rawData + "}}";
  }

  @Test
  void gflopsComeFromTheMedianIterationAndTheRatioIsKindlingOverRaw() throws Exception {
    // n = 1000: 2e9 flops; raw median 10 ms -> 200 GFLOP/s; Kindling median 20 ms -> 100
    JsonNode r = JSON.readTree("[" + result("openblasSgemm", 1000, "ms/op", "[[9.0,10.0,500.0]]")
        + "," + result("kindlingDot", 1000, "ms/op", "[[20.0],[20.0]]") + "]");
    String table = GemmTable.render(r);
    assertThat(table).contains("| 1000 | 200.0 | 100.0 | 0.50 | 3 / 2 |");
  }

  @Test
  void rowsAreSortedByNAndAMissingMethodShowsADash() throws Exception {
    JsonNode r = JSON.readTree("[" + result("openblasSgemm", 512, "s/op", "[[1.0]]")
        + "," + result("openblasSgemm", 256, "s/op", "[[1.0]]") + "]");
    String table = GemmTable.render(r);
    assertThat(table.indexOf("| 256 |")).isLessThan(table.indexOf("| 512 |"));
    assertThat(table).contains("| 256 | 0.0 | - | - | 1 / - |");
  }

  @Test
  void throughputUnitsAreInverted() {
    assertThat(GemmTable.toSecondsPerOp(4, "ops/s", "b")).isEqualTo(0.25);
    assertThat(GemmTable.toSecondsPerOp(2, "ops/ms", "b")).isEqualTo(5e-4);
    assertThat(GemmTable.toSecondsPerOp(3, "us/op", "b")).isEqualTo(3e-6);
  }

  @Test
  void unknownUnitIsRejectedWithTheBenchmarkName() {
    assertThatThrownBy(() -> GemmTable.toSecondsPerOp(1, "furlongs", "GemmBenchmark.x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("furlongs")
        .hasMessageContaining("GemmBenchmark.x");
  }

  @Test
  void resultWithoutParameterNIsRejected() throws Exception {
    JsonNode r = JSON.readTree("[{\"benchmark\":\"x.y\",\"primaryMetric\":{}}]");
    assertThatThrownBy(() -> GemmTable.render(r)).hasMessageContaining("no parameter n");
  }
}
