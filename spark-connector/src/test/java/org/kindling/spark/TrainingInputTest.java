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

  /** The local file system under {@code counting:}, counting its positioned reads (requests). */
  public static final class CountingFileSystem
      extends org.kindling.io.source.InjectingFileSystem {
    static final java.util.concurrent.atomic.AtomicInteger READS =
        new java.util.concurrent.atomic.AtomicInteger();

    public CountingFileSystem() {
      super("counting");
    }

    @Override
    protected void beforePositionedRead(long position) {
      READS.incrementAndGet();
    }
  }

  /** {@code rec} on {@code counting:}, read in chunks of {@code chunkBytes}, windows of 4. */
  private static RecordIOSplit counted(Path rec, int chunkBytes) throws IOException {
    Configuration conf = new Configuration();
    conf.setClass("fs.counting.impl", CountingFileSystem.class,
        org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.counting.impl.disable.cache", true);
    conf.setInt(ShuffledPartSource.CHUNK_BYTES_KEY, chunkBytes);
    return RecordIOSplit.open("counting://" + rec.toAbsolutePath(), conf);
  }

  @Test
  void anEpochOfAChunkedPartReadsEachChunkOnceThoughItsLastBatchBorrows(@TempDir Path dir)
      throws IOException {
    Path rec = dir.resolve("d.rec");
    SyntheticData.write(rec, 1000, 10, PIXELS, 5);
    RecordIOSplit split = counted(rec, 4096);
    // 1000 records in batches of 64: 15 full batches, then 40 records and 24 borrowed
    try (TrainingInput in = TrainingInput.open(config(rec, null, 64), split, 0, 1)) {
      ShuffledPartSource s = in.shuffled();
      assertEquals(ShuffledPartSource.Mode.CHUNK, s.mode());
      int chunks = s.chunkCount();
      assertTrue(chunks >= 10 && chunks <= 14, chunks + " chunks");
      CountingFileSystem.READS.set(0);
      try (DataIter it = in.iterator(16)) {
        for (int e = 0; e < 3; e++) {
          for (int step = 0; step < 16; step++) {
            try (DataBatch b = it.next()) {
              assertEquals(step == 15 ? 24 : 0, b.pad(), "step " + step);
            }
          }
          assertNull(it.next());
          it.reset();
          // each epoch's chunks once (before, 8 more: the round batch read the first window of
          // a pass it then dropped, and the next epoch read its first window cold); the next
          // epoch's first window is read ahead and, once the borrowing took it, its second
          int reads = CountingFileSystem.READS.get();
          assertTrue(reads >= (e + 1) * chunks && reads <= (e + 1) * chunks + 8,
              "epoch " + e + ": " + reads + " requests for " + chunks + " chunks an epoch");
        }
      }
    }
  }

  @Test
  void aShortBatchBorrowsTheFirstRecordsOfThePassReadNextAndAResumedJobReadsTheSame(
      @TempDir Path dir) throws IOException {
    Random rnd = new Random(17);
    for (int c = 0; c < 6; c++) {
      int n = 20 + rnd.nextInt(200);
      int batch = 3 + rnd.nextInt(30);
      int perPass = (n + batch - 1) / batch;
      // a part shorter than the agreed steps wraps within the epoch (1 to 3 passes)
      int steps = perPass + rnd.nextInt(2 * perPass + 1);
      Path rec = dir.resolve("d" + c + ".rec");
      SyntheticData.write(rec, n, 10, PIXELS, c);
      for (boolean chunked : new boolean[] {true, false}) {
        RecordIOSplit split = chunked ? counted(rec, 256 + rnd.nextInt(2048))
            : RecordIOSplit.open(rec.toUri().toString(), new Configuration());
        String what = "case " + c + (chunked ? " (chunks)" : " (records)") + ", " + n
            + " records, batch " + batch + ", " + steps + " steps";
        List<DataBatchRows> run = new ArrayList<>();
        try (TrainingInput in = TrainingInput.open(config(rec, null, batch), split, 0, 1);
            DataIter it = in.iterator(steps)) {
          for (int e = 0; e < 3; e++) {
            run.addAll(epoch(it, steps));
          }
        }
        for (int i = 0; i + 1 < run.size(); i++) {
          DataBatchRows b = run.get(i);
          if (b.pad() > 0) {
            // the filler rows are the first rows of the pass read next: the next batch's
            // (the epoch's next pass, or the next epoch's first)
            int full = batch - b.pad();
            assertEquals(rows(b.data(), batch).subList(full, batch),
                rows(run.get(i + 1).data(), batch).subList(0, b.pad()), what + ", batch " + i);
          }
        }
        TrainConfig resumed = TrainConfig.builder().data(rec.toUri().toString())
            .inputShape(PIXELS).batchSize(batch).kvstore("local").seed(7).beginEpoch(1)
            .modelPrefix(dir.resolve("m").toString()).build();
        try (TrainingInput in = TrainingInput.open(resumed, split, 0, 1);
            DataIter it = in.iterator(steps)) {
          List<DataBatchRows> again = new ArrayList<>(epoch(it, steps));
          again.addAll(epoch(it, steps));
          for (int i = 0; i < again.size(); i++) {
            assertEquals(rows(run.get(steps + i).data(), batch), rows(again.get(i).data(), batch),
                what + ": batch " + i + " of the job resumed at epoch 1");
          }
        }
      }
    }
  }

  private record DataBatchRows(float[] data, int pad) {}

  /** One epoch's batches; the iterator is reset after them. */
  private static List<DataBatchRows> epoch(DataIter it, int steps) throws IOException {
    List<DataBatchRows> out = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      try (DataBatch b = it.next()) {
        out.add(new DataBatchRows(b.data().get(0).toFloatArray(), b.pad()));
      }
    }
    assertNull(it.next());
    it.reset();
    return out;
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
