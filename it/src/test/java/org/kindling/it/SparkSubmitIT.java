package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.io.ParamsFile;

/**
 * A real {@code spark-submit} of the assembly jar in a child JVM whose class path holds only
 * Spark and its dependencies (no Kindling classes), as on a cluster: the jar must carry
 * everything Kindling needs.
 */
class SparkSubmitIT {
  private static final Path WORK = Path.of("target", "it-submit").toAbsolutePath();

  @Test
  void sparkSubmitOfTheAssemblyTrainsAndWritesACheckpoint() throws Exception {
    Files.createDirectories(WORK);
    Path data = WORK.resolve("train.rec");
    SyntheticRecords.write(data, 1200, 16, 5);
    Path prefix = TestDirs.fresh(WORK.resolve("model")).resolve("m");

    ChildJvm.Result r = ChildJvm.run(WORK, sparkOnlyClassPath(),
        "org.apache.spark.deploy.SparkSubmit", List.of(
            "--master", "local[2]",
            "--conf", "spark.driver.host=127.0.0.1",
            "--conf", "spark.driver.bindAddress=127.0.0.1",
            "--conf", "spark.ui.enabled=false",
            "--class", "org.kindling.spark.TrainJob",
            AssemblyJarIT.assemblyJar().toString(),
            "--data", data.toString(), "--num-workers", "2", "--batch-size", "32",
            "--epochs", "2", "--input-shape", "16", "--hidden", "16", "--num-classes", "4",
            "--model-prefix", prefix.toString()));
    String output = r.out() + r.err();
    assertThat(r.code()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("kindling: trained 2 epochs");
    assertThat(prefix.resolveSibling("m-symbol.json")).exists();
    // the history chart is drawn by JFreeChart inside the assembly, headless
    assertThat(prefix.resolveSibling("m-history.png")).exists();
    assertThat(ParamsFile.readNames(prefix.resolveSibling("m-0002.params")))
        .containsExactly("arg:fc1_weight", "arg:fc1_bias", "arg:fc2_weight", "arg:fc2_bias");
  }

  /** The test class path without Kindling's own classes and jars. */
  private static String sparkOnlyClassPath() {
    return ChildJvm.testClassPath(e -> e.contains("kindling-") || e.endsWith("/classes")
        || e.endsWith("/test-classes"));
  }
}
