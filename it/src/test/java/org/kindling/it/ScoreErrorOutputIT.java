package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.spark.Networks;
import org.kindling.symbol.InferredShapes;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * What a user sees when {@code kindling score} gets bad input: the whole stderr of the command in
 * a child JVM that runs as {@code ./kindling} does (the command line's own logging
 * configuration, not the tests'). A broken checkpoint fails on the driver before any Spark task
 * and a corrupt record inside a task; either way stderr holds exactly one line, {@code kindling:
 * error: ...} naming the file and what is wrong, and the exit code is 1. Stack traces, Kindling's
 * and Spark's, appear only with {@code --verbose}.
 */
class ScoreErrorOutputIT {
  private static final Path WORK = Path.of("target", "it-score-errors").toAbsolutePath();
  private static final int PIXELS = 64;
  private static Path data;

  @BeforeAll
  static void writeDataAndCheckpoints() throws IOException {
    TestDirs.fresh(WORK);
    data = WORK.resolve("data.rec");
    SyntheticRecords.write(data, 600, PIXELS, 21);
    writeCheckpoint("good", UnaryOperator.identity(), UnaryOperator.identity());
    writeCheckpoint("renamed", n -> n.equals("arg:fc2_bias") ? "arg:fc2_bais" : n,
        UnaryOperator.identity());
    writeCheckpoint("reshaped", UnaryOperator.identity(),
        s -> s.equals(Shape.of(4)) ? Shape.of(3) : s);
    writeCheckpoint("truncated", UnaryOperator.identity(), UnaryOperator.identity());
    Path params = WORK.resolve("truncated-0001.params");
    try (RandomAccessFile f = new RandomAccessFile(params.toFile(), "rw")) {
      f.setLength(f.length() - 100);
    }
    writeCheckpoint("badsymbol", UnaryOperator.identity(), UnaryOperator.identity());
    Path symbol = WORK.resolve("badsymbol-symbol.json");
    String json = Files.readString(symbol);
    Files.writeString(symbol, json.substring(0, json.length() / 2));
  }

  /**
   * {@code PREFIX-symbol.json} and {@code PREFIX-0001.params} of an MLP 64-16-4 with random
   * weights, with parameter names and shapes passed through {@code name} and {@code shape}.
   */
  private static void writeCheckpoint(String prefix, UnaryOperator<String> name,
      UnaryOperator<Shape> shape) throws IOException {
    Symbol mlp = Networks.mlp(new int[] {16}, 4);
    Files.writeString(WORK.resolve(prefix + "-symbol.json"), mlp.toJson());
    InferredShapes shapes = mlp.inferShape(java.util.Map.of("data", Shape.of(1, PIXELS)));
    Random rnd = new Random(5);
    List<String> names = new ArrayList<>();
    List<NDArray> arrays = new ArrayList<>();
    shapes.arguments().forEach((n, s) -> {
      if (!n.equals("data") && !n.equals("softmax_label")) {
        Shape sh = shape.apply(s);
        float[] v = new float[sh.intSize()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        names.add(name.apply("arg:" + n));
        arrays.add(NDArray.of(v, sh));
      }
    });
    ParamsFile.writeAtomically(WORK.resolve(prefix + "-0001.params"), names, arrays);
    arrays.forEach(NDArray::close);
  }

  /** {@code kindling score} of {@code data.rec} with checkpoint {@code PREFIX}, epoch 1. */
  private static ChildJvm.Result score(String prefix, String... more) throws Exception {
    return score(prefix, data, more);
  }

  /** {@code kindling score} of {@code records} with checkpoint {@code PREFIX}, epoch 1. */
  private static ChildJvm.Result score(String prefix, Path records, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("score", "--model-prefix",
        WORK.resolve(prefix).toString(), "--epoch", "1", "--data", records.toString(),
        "--input-shape", Integer.toString(PIXELS)));
    args.addAll(List.of(more));
    // the command line as ./kindling runs it: without the tests' classes and log4j2-test file
    String cp = ChildJvm.testClassPath(e -> e.endsWith("/test-classes")
        || e.endsWith("-tests.jar"));
    return ChildJvm.run(WORK, cp, "org.kindling.examples.cli.KindlingCli", args);
  }

  private static void assertOneErrorLine(ChildJvm.Result r, String... parts) {
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("kindling: error: ").contains(parts);
  }

  @Test
  void aParameterTheSymbolDoesNotHaveIsOneLineNamingTheFileAndTheParameter() throws Exception {
    assertOneErrorLine(score("renamed"), WORK.resolve("renamed-0001.params") + ": parameter"
        + " 'fc2_bais' is not an argument of the symbol");
  }

  @Test
  void aParameterOfTheWrongShapeIsOneLineNamingTheFileAndTheParameter() throws Exception {
    assertOneErrorLine(score("reshaped"), WORK.resolve("reshaped-0001.params")
        + ": argument 'fc2_bias' has shape (3,) but the symbol needs (4,)");
  }

  @Test
  void aTruncatedParamsFileIsOneLineNamingTheFileAndTheOffset() throws Exception {
    assertOneErrorLine(score("truncated"), WORK.resolve("truncated-0001.params")
        + " at byte offset ", "truncated");
  }

  @Test
  void aBrokenSymbolFileIsOneLineNamingTheFile() throws Exception {
    assertOneErrorLine(score("badsymbol"), WORK.resolve("badsymbol-symbol.json")
        + " at byte offset ", "malformed JSON");
  }

  @Test
  void verboseAddsTheStackTrace() throws Exception {
    ChildJvm.Result r = score("renamed", "--verbose");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.errLines().get(0)).startsWith("kindling: error: ").contains("'fc2_bais'");
    assertThat(r.err()).contains("\tat org.kindling.");
  }

  @Test
  void aCorruptRecordFailsASparkTaskQuietlyUnlessVerbose() throws Exception {
    Path bad = WORK.resolve("corrupt.rec");
    Files.copy(data, bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // records are 8 + 24 + 64 = 96 bytes: break the head of record 450 (in partition 1's part)
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      f.seek(450 * 96);
      f.writeInt(0);
    }
    assertOneErrorLine(score("good", bad), "corrupt.rec at byte offset 43200", "bad magic");

    ChildJvm.Result verbose = score("good", bad, "--verbose");
    assertThat(verbose.code()).isEqualTo(1);
    // Spark's own reports of the failed task, with the task's stack trace
    assertThat(verbose.err()).contains("ERROR Executor: Exception in task")
        .contains("Lost task").contains("\tat org.kindling.io.");
  }

  @Test
  void aSmallMemoryLimitFailsTheTasksNamingTheCapAndTheSparkKeyToRaise() throws Exception {
    ChildJvm.Result ok = score("good");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).matches("accuracy: [01]\\.\\d{4} \\(600 records\\)\\n");
    assertThat(ok.errLines()).hasSize(1).allMatch(l -> l.startsWith("scored 600 records in "));

    // the driver's checks hold the 5 KiB of weights; a task's first batch alone is 64 KiB
    ChildJvm.Result capped = score("good", "--memory-limit", "32k");
    assertOneErrorLine(capped, "Kindling array memory limit reached", "the cap of 32.0 KiB",
        "raise it with spark.kindling.memory.limit=SIZE");
  }
}
