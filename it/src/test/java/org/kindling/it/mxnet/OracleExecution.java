package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the MXNet oracle tests may run: in it/pom.xml's {@code mxnet-oracle} Failsafe executions.
 * {@code -Dit.test=...} overrides the excludes of the default execution (marked by {@code
 * kindling.it.execution=default}), which would otherwise load MXNet into the JVM of the Spark
 * tests: there, and only there, a test steps aside. Anywhere else a missing native directory is a
 * configuration error and fails.
 */
final class OracleExecution {
  private OracleExecution() {}

  /** Call from a {@code @BeforeAll}. */
  static void require() {
    Assumptions.assumeFalse("default".equals(System.getProperty("kindling.it.execution")),
        "MXNet oracle tests run in the mxnet-oracle Failsafe executions, not the default one");
    assertThat(System.getProperty("kindling.mxnet.native.dir"))
        .as("kindling.mxnet.native.dir, set by it/pom.xml's mxnet-oracle executions").isNotNull();
  }
}
