package org.kindling.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.io.split.ShuffledPartSource;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;

/**
 * {@link TrainingInput}: a task's part read shuffled by default or in file order, the agreed
 * steps per epoch, and who closes the source.
 */
class TrainingInputTest {
  private static final int PIXELS = 16;

  private static TrainConfig config(Path rec, Boolean shuffle, int batch) {
    TrainConfig.Builder b = TrainConfig.builder().data(rec.toUri().toString())
        .inputShape(PIXELS).batchSize(batch).kvstore("local").seed(7);
    if (shuffle != null) {
      b.shuffle(shuffle);
    }
    return b.build();
  }

  /** The data of every batch of two epochs; each epoch's batches end with a null. */
  private static List<float[]> epochs(DataIter it, int steps) throws IOException {
    List<float[]> labels = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      for (int s = 0; s < steps; s++) {
        try (DataBatch b = it.next()) {
          assertNotNull(b, "step " + s + " of epoch " + e);
          labels.add(b.data().get(0).toFloatArray());
        }
      }
      assertNull(it.next(), "an epoch holds exactly the agreed steps");
      it.reset();
    }
    return labels;
  }

  @Test
  void shuffledByDefaultInFileOrderOnRequestSameRecordsAndSteps(@TempDir Path dir)
      throws IOException {
    Random rnd = new Random(11);
    for (int c = 0; c < 8; c++) {
      int n = 1 + rnd.nextInt(300);
      int batch = 1 + rnd.nextInt(40);
      int parts = 1 + rnd.nextInt(3);
      Path rec = dir.resolve("d" + c + ".rec");
      SyntheticData.write(rec, n, 10, PIXELS, c);
      RecordIOSplit split = RecordIOSplit.open(rec.toUri().toString(), new Configuration());
      for (int part = 0; part < parts; part++) {
        long records;
        float[] shuffledFirstEpoch;
        try (TrainingInput in = TrainingInput.open(config(rec, null, batch), split, part,
            parts)) {
          ShuffledPartSource s = in.shuffled();
          assertNotNull(s, "shuffled unless --no-shuffle");
          assertEquals(ShuffledPartSource.Mode.RECORD, s.mode(), "a local file: record mode");
          records = in.records();
          assertEquals(split.countRecords(part, parts).records(), records);
          if (records == 0) {
            continue;
          }
          int steps = TrainingInput.stepsPerEpoch(new String[] {Long.toString(records)}, batch,
              "d");
          assertEquals((records + batch - 1) / batch, steps);
          try (DataIter it = in.iterator(steps)) {
            shuffledFirstEpoch = flatten(epochs(it, steps).subList(0, steps));
          }
        }
        try (TrainingInput in = TrainingInput.open(config(rec, false, batch), split, part,
            parts)) {
          assertNull(in.shuffled(), "--no-shuffle: file order");
          assertEquals(records, in.records());
          int steps = (int) ((records + batch - 1) / batch);
          try (DataIter it = in.iterator(steps)) {
            float[] ordered = flatten(epochs(it, steps).subList(0, steps));
            // the first pass holds the same records (each one's noisy pixels), in another order
            int full = (int) records;
            List<String> a = rows(ordered, full);
            List<String> b = rows(shuffledFirstEpoch, full);
            if (full > 20) {
              assertTrue(!a.equals(b), "case " + c + " part " + part + ": not shuffled");
            }
            a.sort(null);
            b.sort(null);
            assertEquals(a, b, "case " + c + " part " + part);
          }
        }
      }
    }
  }

  @Test
  void theIteratorIsBuiltOnceAndOwnsTheSource(@TempDir Path dir) throws IOException {
    Path rec = dir.resolve("d.rec");
    SyntheticData.write(rec, 50, 10, PIXELS, 3);
    RecordIOSplit split = RecordIOSplit.open(rec.toUri().toString(), new Configuration());
    TrainingInput in = TrainingInput.open(config(rec, null, 8), split, 0, 1);
    try (DataIter it = in.iterator(7)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> in.iterator(7));
      assertTrue(e.getMessage().contains(rec.toUri().toString()), e.getMessage());
      in.close(); // the iterator owns the source: it still reads
      assertNotNull(it.next());
    }
    TrainingInput unused = TrainingInput.open(config(rec, null, 8), split, 0, 1);
    ShuffledPartSource source = unused.shuffled();
    unused.close(); // no iterator took the source: closed here
    IllegalStateException closed = assertThrows(IllegalStateException.class, source::next);
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
  }

  @Test
  void anEmptyPartIsNamedInTheStepsError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingInput.stepsPerEpoch(new String[] {"5", "0", "3"}, 2, "s3://b/d.rec"));
    assertTrue(e.getMessage().contains("s3://b/d.rec: part(s) [1] of 3 hold no records"),
        e.getMessage());
    assertEquals(3, TrainingInput.stepsPerEpoch(new String[] {"5", "4"}, 2, "d"));
  }

  private static float[] flatten(List<float[]> batches) {
    int n = 0;
    for (float[] b : batches) {
      n += b.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] b : batches) {
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    return out;
  }

  /** The first {@code n} examples of {@code data}, one string each. */
  private static List<String> rows(float[] data, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Arrays.toString(Arrays.copyOfRange(data, i * PIXELS, (i + 1) * PIXELS)));
    }
    return out;
  }
}
