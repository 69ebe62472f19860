package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.spark.recordio.RecordIOFiles;

/** {@link TrainJob} on PNG records decoded and augmented by {@code ImageRecordIter}. */
class ImageTrainJobTest {
  private static final int SIDE = 14;

  @TempDir static Path dir;
  private static SparkSession spark;
  private static Path train;

  @BeforeAll
  static void start() throws IOException {
    spark = RecordIOFiles.spark("ImageTrainJobTest");
    train = dir.resolve("train.rec");
    Random rnd = new Random(3);
    try (OutputStream out = Files.newOutputStream(train);
        RecordIOWriter w = new RecordIOWriter(out)) {
      // 75 records: with batch 16 one worker's pass is 5 batches, the last padded
      for (int i = 0; i < 75; i++) {
        int label = rnd.nextInt(3);
        byte[] px = new byte[SIDE * SIDE * 3];
        for (int p = 0; p < px.length; p++) {
          px[p] = (byte) ((p % 3 == label ? 160 : 50) + rnd.nextInt(60));
        }
        w.write(ImageRecordHeader.pack(ImageRecordHeader.of(label, i, 0),
            ImageCodec.encode(px, SIDE, SIDE, 3, ".png", 1)));
      }
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static TrainConfig.Builder config() {
    return TrainConfig.builder().data(train.toString()).valData(train.toString())
        .image(ImageInput.builder().dataShape(3, 10, 10).resize(12).randCrop(true)
            .randMirror(true).meanRgb(100, 100, 100).preprocessThreads(2))
        .hidden(16).numClasses(3).batchSize(16).numWorkers(2).dispBatches(100);
  }

  @Test
  void aResumedJobDrawsTheSameCropsAndFlipsAsTheUninterruptedOne() throws Exception {
    String whole = dir.resolve("whole/m").toString();
    String parts = dir.resolve("parts/m").toString();
    TrainResult uninterrupted = TrainJob.run(spark, config().epochs(3).modelPrefix(whole)
        .build(), l -> { });
    TrainJob.run(spark, config().epochs(1).modelPrefix(parts).build(), l -> { });
    TrainResult resumed = TrainJob.run(spark, config().epochs(3).beginEpoch(1)
        .modelPrefix(parts).build(), l -> { });

    // with one pass per epoch, a resumed run starting again at pass 0 would crop and flip
    // epoch 2 as epoch 1 was, and end with other weights
    assertThat(resumed.params()).isEqualTo(uninterrupted.params());
    assertThat(resumed.last().train()).isEqualTo(uninterrupted.last().train());
  }

  /**
   * A record whose image does not decode, in worker 0's part and in the validation data: without
   * {@code --skip-corrupt} the job fails naming it; with it the decoding iterator leaves it out
   * once per epoch in training and in validation, and the job names and counts it.
   */
  @Test
  void skipCorruptLeavesAnUndecodableImageOutOfTrainingAndValidation() throws Exception {
    Path bad = dir.resolve("bad.rec");
    try (RecordIOReader in = new RecordIOReader(Files.newInputStream(train), train.toString());
        OutputStream out = Files.newOutputStream(bad);
        RecordIOWriter w = new RecordIOWriter(out)) {
      byte[] r;
      for (int i = 0; (r = in.next()) != null; i++) {
        w.write(i != 5 ? r : ImageRecordHeader.pack(ImageRecordHeader.of(1, 5, 0),
            "not an image at all".getBytes(StandardCharsets.US_ASCII)));
      }
    }
    TrainConfig.Builder b = config().data(bad.toString()).valData(bad.toString()).epochs(2);
    assertThatThrownBy(() -> TrainJob.run(spark, b.build(), l -> { }))
        .isInstanceOf(TrainingFailedException.class)
        .hasMessageContaining("bad.rec").hasMessageContaining("id 5");

    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TrainResult r = TrainJob.run(spark, b.skipCorrupt(true).build(), lines::add);
    assertThat(r.metrics()).extracting(EpochMetrics::skippedRecords).containsExactly(1L, 1L);
    assertThat(lines).filteredOn(l -> l.startsWith("worker 0: skipped corrupt record "))
        .singleElement().asString().containsPattern("bad\\.rec@\\d+: ").contains("id 5");
    assertThat(lines).filteredOn(l -> l.contains("validation skipped 1 corrupt record(s)"))
        .hasSize(2);
    assertThat(TrainJob.summary(r)).contains("2 corrupt records skipped over 2 epochs");
  }

  @Test
  void passesPerEpochCountTheWrapsOfAShortPart() {
    assertThat(ImageInput.passesPerEpoch(38, 16, 3)).isEqualTo(1); // 3 batches, one pass
    assertThat(ImageInput.passesPerEpoch(37, 16, 3)).isEqualTo(1);
    assertThat(ImageInput.passesPerEpoch(20, 16, 3)).isEqualTo(2); // 2 per pass, wraps once
    assertThat(ImageInput.passesPerEpoch(16, 16, 3)).isEqualTo(3);
  }
}
