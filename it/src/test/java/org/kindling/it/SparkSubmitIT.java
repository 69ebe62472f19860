package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
    Path log = WORK.resolve("spark-submit.log");

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("kindling.test.jvm.flags", "").trim()
        .split("\\s+")));
    cmd.addAll(List.of("-Xmx1g", "-cp", sparkOnlyClassPath(),
        "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--class", "org.kindling.spark.TrainJob",
        AssemblyJarIT.assemblyJar().toString(),
        "--data", data.toString(), "--num-workers", "2", "--batch-size", "32",
        "--epochs", "2", "--input-shape", "16", "--hidden", "16", "--num-classes", "4",
        "--model-prefix", prefix.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    Process p = pb.start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(done).as("spark-submit finished within 3 minutes; output:%n%s", output).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("kindling: trained 2 epochs");
    assertThat(prefix.resolveSibling("m-symbol.json")).exists();
    // the history chart is drawn by JFreeChart inside the assembly, headless
    assertThat(prefix.resolveSibling("m-history.png")).exists();
    assertThat(ParamsFile.read(prefix.resolveSibling("m-0002.params")).names())
        .containsExactly("arg:fc1_weight", "arg:fc1_bias", "arg:fc2_weight", "arg:fc2_bias");
  }

  /** The test class path without Kindling's own classes and jars. */
  private static String sparkOnlyClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(e -> !e.contains("kindling-") && !e.endsWith("/classes")
            && !e.endsWith("/test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
