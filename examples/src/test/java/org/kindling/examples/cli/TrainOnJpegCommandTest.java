package org.kindling.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.image.ImageCodec;

/**
 * {@code kindling train --data-shape ...} on JPEG records that {@code kindling im2rec} packed
 * from generated image files: the whole path of issue 9's "training on encoded images".
 */
class TrainOnJpegCommandTest {
  private static final int CLASSES = 3;
  private static final int PER_CLASS = 60;
  private static final int SIDE = 32;

  @TempDir Path dir;

  /**
   * A {@code SIDE x SIDE} BGR image of class {@code k}: one colour channel bright, the others
   * dim, with noise and a random bright bar so that crops and flips change the pixels.
   */
  private static byte[] image(int k, Random rnd) {
    byte[] px = new byte[SIDE * SIDE * 3];
    int bar = rnd.nextInt(SIDE - 4);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        for (int c = 0; c < 3; c++) {
          int v = (c == k ? 170 : 60) + rnd.nextInt(50) - 25 + (x >= bar && x < bar + 4 ? 40 : 0);
          px[(y * SIDE + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v));
        }
      }
    }
    return px;
  }

  private void writeImages(Path root) throws IOException {
    Random rnd = new Random(5);
    for (int k = 0; k < CLASSES; k++) {
      Path folder = Files.createDirectories(root.resolve("class" + k));
      for (int i = 0; i < PER_CLASS; i++) {
        Files.write(folder.resolve(i + ".jpg"),
            ImageCodec.encode(image(k, rnd), SIDE, SIDE, 3, ".jpg", 90));
      }
    }
  }

  @Test
  void trainsOnPackedJpegsWithAugmentationAndLearns() throws IOException {
    Path root = dir.resolve("images");
    writeImages(root);
    String prefix = dir.resolve("set").toString();
    CliRun list = CliRun.of("im2rec", "--list", "--recursive", "--train-ratio", "0.75", prefix,
        root.toString());
    assertThat(list.code()).as(list.err()).isZero();
    for (String part : List.of("_train", "_val")) {
      CliRun pack = CliRun.of("im2rec", "--quality", "90", prefix + part, root.toString());
      assertThat(pack.code()).as(pack.err()).isZero();
      assertThat(pack.out()).startsWith("packed " + (part.equals("_train") ? 135 : 45)
          + " records");
    }

    String model = dir.resolve("model/jpeg").toString();
    CliRun train = CliRun.of("train", "--data", prefix + "_train.rec", "--val-data",
        prefix + "_val.rec", "--data-shape", "3,24,24", "--resize", "28", "--rand-crop",
        "--rand-mirror", "--mean-rgb", "110,110,110", "--std-rgb", "50,50,50", "--scale", "1",
        "--preprocess-threads", "2", "--num-classes", "3", "--hidden", "32",
        "--num-workers", "2", "--batch-size", "16", "--epochs", "4", "--lr", "0.05",
        "--model-prefix", model);
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.err()).contains("(decoded images [3, 24, 24], resize 28, random crop,"
        + " random mirror, mean [110.0, 110.0, 110.0], std [50.0, 50.0, 50.0])");

    // epoch,train_accuracy,train_cross-entropy,val_accuracy,val_cross-entropy,seconds
    List<String> history = Files.readAllLines(Path.of(model + "-history.csv"));
    assertThat(history).hasSize(5);
    double[] first = values(history.get(1));
    double[] last = values(history.get(4));
    assertThat(last[2]).as("training cross-entropy falls").isLessThan(first[2]);
    assertThat(last[3]).as("validation accuracy, chance 1/3").isGreaterThan(0.8);

    // kindling score decodes the validation records as the job's validation batches did
    CliRun score = CliRun.of("score", "--data", prefix + "_val.rec", "--model-prefix", model,
        "--epoch", "4", "--data-shape", "3,24,24", "--resize", "28", "--mean-rgb",
        "110,110,110", "--std-rgb", "50,50,50", "--scale", "1");
    assertThat(score.code()).as(score.err()).isZero();
    assertThat(score.out()).matches("(?s)accuracy: [0-9.]+ \\(45 records\\)\\s*");
    double scored = Double.parseDouble(score.out().split(" ")[1]);
    assertThat(scored).as("scored accuracy, chance 1/3").isGreaterThan(0.8);
  }

  private static double[] values(String csvLine) {
    String[] f = csvLine.split(",");
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = Double.parseDouble(f[i]);
    }
    return out;
  }

  @Test
  void augmentationOptionsWithoutDataShapeAreRefused() {
    CliRun r = CliRun.of("train", "--data", "x.rec", "--rand-crop");
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(r.err()).contains("--rand-crop applies to encoded images: give --data-shape");
    CliRun shape = CliRun.of("train", "--data", "x.rec", "--data-shape", "3,24,24",
        "--input-shape", "784");
    assertThat(shape.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(shape.err()).contains("--input-shape [784] differs from --data-shape [3, 24, 24]");
    CliRun scoreResize = CliRun.of("score", "--data", "x.rec", "--model-prefix", "m",
        "--epoch", "1", "--resize", "28");
    assertThat(scoreResize.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(scoreResize.err()).contains("--resize applies to encoded images");
    CliRun channels = CliRun.of("train", "--data", "x.rec", "--image-shape", "2,24,24");
    assertThat(channels.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(channels.err()).contains("must have 1, 3 or 4 channels");
  }
}
