package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The threaded engine (four workers) and the naive engine give bit for bit the same training
 * step over the whole zoo: the output, every parameter gradient and every updated BatchNorm
 * statistic of every {@link SmallZoo} network, with memory planning and fusion on, and the output
 * of an inference binding (BatchNorm folded into convolutions). The engine is
 * chosen once per process ({@code -Dkindling.engine}), so each engine runs {@link ZooEngineRun}
 * in a JVM of its own, which prints a SHA-256 per array. Kernels are deterministic (each writes
 * its outputs in a fixed order whatever thread runs it, and random operators draw their seeds in
 * program order), so any difference would be an ordering fault: a step running before what it
 * reads was written, or a planned block reused while a reader still needed it.
 */
class ZooEngineEquivalenceTest {
  @TempDir
  Path dir;

  @Test
  void threadedAndNaiveEnginesGiveTheSameBitsOverTheZoo() throws Exception {
    Map<String, String> naive = run("naive", "-Dkindling.engine=naive");
    Map<String, String> threaded = run("threaded", "-Dkindling.engine=threaded",
        "-Dkindling.engine.threads=4", "-Dkindling.blas.threads=1");
    assertThat(naive.remove("engine")).isEqualTo("NaiveEngine 1");
    assertThat(threaded.remove("engine")).isEqualTo("ThreadedEngine 4");
    int networks = SmallZoo.networks().size();
    assertThat(naive.keySet().stream().map(k -> k.substring(0, k.indexOf(' '))).distinct())
        .as("every network ran").hasSize(networks);
    assertThat(naive.size()).as("an output and gradients per network")
        .isGreaterThan(3 * networks);
    List<String> differ = new ArrayList<>();
    for (String k : new TreeSet<>(naive.keySet())) {
      if (!naive.get(k).equals(threaded.get(k))) {
        differ.add(k);
      }
    }
    assertThat(threaded.keySet()).isEqualTo(naive.keySet());
    assertThat(differ).as("arrays whose bits differ between the engines").isEmpty();
  }

  /**
   * Runs {@link ZooEngineRun} in a child JVM: its lines as key (all but the last word) and
   * digest, and {@code engine} with the engine's name and workers.
   */
  private Map<String, String> run(String name, String... properties)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(properties));
    // the same kernels in both JVMs: auto-mode acceleration picks some by timing them at bind
    // time, which can choose differently in two processes
    cmd.add("-Dkindling.cpu.accel=off");
    String cp = System.getProperty("surefire.test.class.path");
    cmd.addAll(List.of("-Xmx1g", "-Dkindling.memory.limit=3g", "-cp", cp == null || cp.isBlank()
        ? System.getProperty("java.class.path") : cp, ZooEngineRun.class.getName()));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(done).as("%s engine's run finished in 10 minutes; stderr:%n%s", name, stderr)
        .isTrue();
    assertThat(p.exitValue()).as("%s engine's run; stderr:%n%s", name, stderr).isZero();
    Map<String, String> digests = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      int cut = line.startsWith("engine ") ? "engine".length() : line.lastIndexOf(' ');
      digests.put(line.substring(0, cut), line.substring(cut + 1));
    }
    return digests;
  }
}
