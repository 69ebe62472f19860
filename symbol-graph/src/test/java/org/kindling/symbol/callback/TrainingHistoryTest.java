package org.kindling.symbol.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.symbol.callback.EarlyStoppingTest.epoch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.symbol.callback.TrainingCallback.Action;
import org.kindling.symbol.metric.MetricValue;
import org.kindling.tensor.io.AtomicFiles;

class TrainingHistoryTest {

  private static final List<EpochEndParam> EPOCHS = List.of(
      epoch(0, List.of(new MetricValue("accuracy", 0.5), new MetricValue("cross-entropy", 1.25)),
          List.of()),
      epoch(1, List.of(new MetricValue("accuracy", 0.75), new MetricValue("cross-entropy", 0.5)),
          List.of(new MetricValue("accuracy", 0.625))),
      epoch(2, List.of(new MetricValue("accuracy", 0.875),
          new MetricValue("cross-entropy", Double.NaN)),
          List.of(new MetricValue("accuracy", 0.8125))));

  private static void feed(TrainingHistory h, List<EpochEndParam> epochs) throws IOException {
    for (EpochEndParam p : epochs) {
      assertThat(h.epochEnd(p)).isEqualTo(Action.CONTINUE);
    }
  }

  @Test
  void csvHasOneRowPerEpochAndEveryColumnSeen(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("run-history.csv");
    TrainingHistory h = TrainingHistory.builder().csv(csv).build();
    feed(h, EPOCHS);
    assertThat(Files.readString(csv)).isEqualTo(
        "epoch,train_accuracy,train_cross-entropy,val_accuracy,seconds\n"
            + "1,0.5,1.25,,1.0\n"
            + "2,0.75,0.5,0.625,1.0\n"
            + "3,0.875,NaN,0.8125,1.0\n");
    assertThat(h.columns())
        .containsExactly("train_accuracy", "train_cross-entropy", "val_accuracy");
    assertThat(h.epochs()).extracting(EpochRecord::epoch).containsExactly(1, 2, 3);
  }

  @Test
  void measuresFollowTheMetricsInEveryFileAndGetAChartPanel(@TempDir Path dir)
      throws Exception {
    Path prefix = dir.resolve("run");
    TrainingHistory h = TrainingHistory.builder().files(prefix).build();
    h.epochEnd(EPOCHS.get(0), java.util.Map.of("kv_pushed_bytes_per_step", 8848.0));
    h.epochEnd(EPOCHS.get(1), java.util.Map.of("kv_pushed_bytes_per_step", 4424.0));
    assertThat(Files.readString(dir.resolve("run-history.csv"))).isEqualTo(
        "epoch,train_accuracy,train_cross-entropy,kv_pushed_bytes_per_step,val_accuracy,seconds\n"
            + "1,0.5,1.25,8848.0,,1.0\n"
            + "2,0.75,0.5,4424.0,0.625,1.0\n");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("run-history.json").toFile());
    assertThat(json.get("epochs").get(1).get("kv_pushed_bytes_per_step").asDouble())
        .isEqualTo(4424.0);
    // a resumed run reads the measures back with the metrics
    assertThat(TrainingHistory.readJson(Files.readAllBytes(dir.resolve("run-history.json")),
        "run-history.json").get(0).values()).containsEntry("kv_pushed_bytes_per_step", 8848.0);
    BufferedImage withMeasures = ImageIO.read(dir.resolve("run-history.png").toFile());
    assertThat(withMeasures).isNotNull();
    // the measures' panel differs from a chart of the metrics alone
    TrainingHistory metricsOnly = TrainingHistory.builder().build();
    feed(metricsOnly, EPOCHS.subList(0, 2));
    assertThat(metricsOnly.pngBytes()).isNotEqualTo(h.pngBytes());
    assertThatThrownBy(() -> h.epochEnd(EPOCHS.get(2), java.util.Map.of("val_speed", 1.0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'val_speed'");
  }

  @Test
  void jsonHoldsTheSameRowsWithNullForNan(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("run-history.json");
    TrainingHistory h = TrainingHistory.builder().json(json).build();
    feed(h, EPOCHS);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("columns").toString())
        .isEqualTo("[\"train_accuracy\",\"train_cross-entropy\",\"val_accuracy\"]");
    JsonNode rows = root.get("epochs");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).toString()).isEqualTo(
        "{\"epoch\":1,\"train_accuracy\":0.5,\"train_cross-entropy\":1.25,\"seconds\":1.0}");
    assertThat(rows.get(1).get("val_accuracy").doubleValue()).isEqualTo(0.625);
    assertThat(rows.get(2).get("train_cross-entropy").isNull()).isTrue();
    assertThat(rows.get(2).get("train_accuracy").doubleValue()).isEqualTo(0.875);
  }

  @Test
  void pngIsADecodableChartOfTheRequestedSize(@TempDir Path dir) throws Exception {
    TrainingHistory h = TrainingHistory.builder().files(dir.resolve("mnist")).pngSize(640, 480)
        .build();
    feed(h, EPOCHS);
    assertThat(dir.resolve("mnist-history.csv")).exists();
    assertThat(dir.resolve("mnist-history.json")).exists();
    BufferedImage img = ImageIO.read(dir.resolve("mnist-history.png").toFile());
    assertThat(img).as("ImageIO decodes the PNG").isNotNull();
    assertThat(img.getWidth()).isEqualTo(640);
    assertThat(img.getHeight()).isEqualTo(480);
    // something was drawn: white background, dark text and coloured lines
    long colours = Stream.iterate(0, i -> i + 7).limit(640 * 480 / 7)
        .map(i -> img.getRGB(i % 640, i / 640)).distinct().count();
    assertThat(colours).isGreaterThan(5);
    assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
  }

  @Test
  void aResumedHistoryContinuesTheEpochsReadBackFromItsJson() throws Exception {
    TrainingHistory first = TrainingHistory.builder().build();
    feed(first, EPOCHS.subList(0, 2));
    List<EpochRecord> read = TrainingHistory.readJson(first.jsonBytes(), "run-history.json");
    assertThat(read).isEqualTo(first.epochs());

    TrainingHistory resumed = TrainingHistory.builder().previous(read).build();
    feed(resumed, EPOCHS.subList(2, 3));
    TrainingHistory whole = TrainingHistory.builder().build();
    feed(whole, EPOCHS);
    assertThat(resumed.csvText()).isEqualTo(whole.csvText());
    assertThat(ImageIO.read(new java.io.ByteArrayInputStream(resumed.pngBytes()))).isNotNull();
    // NaN is written as null and read back as NaN
    assertThat(TrainingHistory.readJson(whole.jsonBytes(), "h").get(2).values()
        .get("train_cross-entropy")).isNaN();
    assertThatThrownBy(() -> TrainingHistory.readJson("{\"x\": 1}".getBytes(
        StandardCharsets.UTF_8), "old-history.json")).hasMessageContaining("old-history.json")
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> TrainingHistory.readJson("[".getBytes(StandardCharsets.UTF_8),
        "broken.json")).hasMessageContaining("broken.json");
  }

  @Test
  void aFailedWriteLeavesThePreviousFileWhole(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("run-history.csv");
    boolean[] fail = {false};
    // the real atomic writer, whose output stream breaks after 20 bytes once asked to
    TrainingHistory h = TrainingHistory.builder().csv(csv).build((target, content) ->
        AtomicFiles.write(target,
            out -> content.writeTo(fail[0] ? new BreaksAfter(out, 20) : out)));
    feed(h, EPOCHS.subList(0, 2));
    String before = Files.readString(csv);
    fail[0] = true;
    assertThatThrownBy(() -> h.epochEnd(EPOCHS.get(2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot write the training history to " + csv)
        .hasMessageContaining("device full");
    assertThat(Files.readString(csv)).isEqualTo(before);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(csv);
    }
    // the failed epoch stays recorded: the next write has it
    fail[0] = false;
    feed(h, List.of(epoch(3, List.of(new MetricValue("accuracy", 0.9)), List.of())));
    assertThat(Files.readString(csv)).startsWith(before)
        .endsWith("3,0.875,NaN,0.8125,1.0\n4,0.9,,,1.0\n");
  }

  /** A stream that fails after {@code limit} bytes, as a full disk would. */
  private static final class BreaksAfter extends FilterOutputStream {
    private int left;

    BreaksAfter(OutputStream out, int limit) {
      super(out);
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left-- <= 0) {
        throw new IOException("device full");
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = 0; i < len; i++) {
        write(b[off + i]);
      }
    }
  }

  @Test
  void allCallbacksSeeEveryEventAndAnyOneCanStop() throws Exception {
    List<String> seen = new ArrayList<>();
    TrainingCallback stopper = new TrainingCallback() {
      @Override
      public Action epochEnd(EpochEndParam p) {
        seen.add("stop?" + p.epoch());
        return p.epoch() == 1 ? Action.STOP : Action.CONTINUE;
      }
    };
    TrainingCallback recorder = new TrainingCallback() {
      @Override
      public void batchEnd(BatchEndParam p) {
        seen.add("batch" + p.nbatch());
      }

      @Override
      public Action epochEnd(EpochEndParam p) {
        seen.add("epoch" + p.epoch());
        return Action.CONTINUE;
      }
    };
    TrainingCallback all = TrainingCallback.all(List.of(stopper, recorder));
    all.batchEnd(new BatchEndParam(0, 4, List.of()));
    assertThat(all.epochEnd(EPOCHS.get(0))).isEqualTo(Action.CONTINUE);
    assertThat(all.epochEnd(EPOCHS.get(1))).isEqualTo(Action.STOP);
    assertThat(seen).containsExactly("batch4", "stop?0", "epoch0", "stop?1", "epoch1");
  }

  @Test
  void csvQuotesOddColumnNamesAndTheChartSizeIsChecked() {
    TrainingHistory h = TrainingHistory.builder().build();
    assertThat(h.csvText()).isEqualTo("epoch,seconds\n");
    assertThat(HistoryCsv.format(List.of(), List.of("val_a,b", "val_\"q\"")))
        .isEqualTo("epoch,\"val_a,b\",\"val_\"\"q\"\"\",seconds\n");
    assertThat(new String(h.jsonBytes(), StandardCharsets.UTF_8)).contains("\"epochs\" : [ ]");
    assertThatThrownBy(() -> TrainingHistory.builder().pngSize(10, 600).build())
        .hasMessageContaining("10x600");
  }
}
