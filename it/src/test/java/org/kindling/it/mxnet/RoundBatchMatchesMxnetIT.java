package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kindling.io.RecordSource;
import org.kindling.io.image.ImageAugParams;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.ImageRecordIter;
import org.kindling.io.image.IndexedPartSource;
import org.kindling.io.image.PartOrder;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;

/**
 * Kindling's {@link ImageRecordIter} with its default {@code LastBatch.ROUND_BATCH} against
 * MXNet 1.9.1's {@code ImageRecordIter} ({@code round_batch=True}, its default) over four epochs
 * with {@code reset()} between them (decision 0073): byte-range parts and index-based parts, in
 * file order and, through the index, in MXNet's shuffled order ({@link PartOrder#mxnet}); batch
 * sizes that divide the part and sizes that do not. Every epoch has the same number of batches,
 * and every batch the same labels (each record's label is its number) and pixels (PNG at the
 * data shape: no resize, exact); every batch that borrowed has MXNet's pad count. A full batch
 * has pad 0 in Kindling; MXNet reports 0 or, when it reuses the buffer of a batch that
 * borrowed, that batch's stale count (formats.md §2.4).
 */
class RoundBatchMatchesMxnetIT {
  private static final int IMAGES = 24;
  private static final int SIDE = 10;
  private static final int EPOCHS = 4;

  @TempDir static Path dir;
  private static Path rec;
  private static Path idx;

  @BeforeAll
  static void packImages() throws IOException {
    OracleExecution.require();
    rec = dir.resolve("round.rec");
    idx = dir.resolve("round.idx");
    Random r = new Random(73);
    try (OutputStream out = Files.newOutputStream(rec);
        OutputStream idxOut = Files.newOutputStream(idx);
        IndexedRecordIOWriter w = new IndexedRecordIOWriter(out, idxOut)) {
      for (int i = 0; i < IMAGES; i++) {
        byte[] px = new byte[SIDE * SIDE * 3];
        r.nextBytes(px);
        byte[] png = ImageCodec.encode(px, SIDE, SIDE, 3, ".png", 3);
        w.write(i, ImageRecordHeader.pack(ImageRecordHeader.of(i, i, 0), png));
      }
    }
  }

  /**
   * @param indexed parts cut through the {@code .idx} ({@code path_imgidx}), else by bytes
   * @param shuffle MXNet's {@code shuffle} (through the index only: without one MXNet shuffles
   *     within its read chunks, which Kindling does not reproduce)
   */
  @ParameterizedTest(name = "idx {0} shuffle {1} seed {2} part {3}/{4} batch {5}")
  @CsvSource({
      // byte-range parts in file order: 24 records, and parts of about 12 and 8
      "false,false,0,0,1,5", "false,false,0,0,1,4", "false,false,0,1,2,5", "false,false,0,0,3,7",
      "false,false,0,2,3,3",
      // index-based parts (24, 12 and 8 records) in file order
      "true,false,0,0,1,5", "true,false,0,0,2,4", "true,false,0,2,3,5", "true,false,0,1,3,7",
      // index-based parts in MXNet's shuffled order: each borrowing draws the next shuffle
      "true,true,0,0,1,5", "true,true,7,1,2,5", "true,true,3,0,3,4", "true,true,-5,0,1,7",
      "true,true,12345,2,3,3", "true,true,9,1,2,12"})
  void sameEpochsAsMxnet(boolean indexed, boolean shuffle, int seed, int part, int parts,
      int batch) throws IOException {
    Map<String, String> kw = new LinkedHashMap<>();
    kw.put("path_imgrec", rec.toString());
    if (indexed) {
      kw.put("path_imgidx", idx.toString());
    }
    kw.put("data_shape", "(3," + SIDE + "," + SIDE + ")");
    kw.put("batch_size", Integer.toString(batch));
    kw.put("num_parts", Integer.toString(parts));
    kw.put("part_index", Integer.toString(part));
    kw.put("shuffle", shuffle ? "True" : "False");
    kw.put("seed", Integer.toString(seed));
    kw.put("preprocess_threads", "1");
    List<List<MxDataIter.Batch>> want = MxDataIter.epochs("ImageRecordIter", kw, EPOCHS);

    Configuration conf = new Configuration();
    RecordSource source = indexed
        ? IndexedPartSource.open(rec.toUri().toString(), idx.toUri().toString(), conf, part,
            parts, shuffle ? PartOrder.mxnet(seed) : PartOrder.FILE, null)
        : RecordIOSplit.open(rec.toUri().toString(), conf).openPart(part, parts);
    ImageAugParams aug = ImageAugParams.builder(Shape.of(3, SIDE, SIDE)).build();
    List<List<DataBatch>> got = new ArrayList<>();
    try (ImageRecordIter it = ImageRecordIter.builder(source, aug, batch).preprocessThreads(2)
        .build()) {
      for (int e = 0; e < EPOCHS; e++) {
        if (e > 0) {
          it.reset();
        }
        List<DataBatch> epoch = new ArrayList<>();
        for (DataBatch b = it.next(); b != null; b = it.next()) {
          epoch.add(b);
        }
        got.add(epoch);
      }
    }

    int padded = 0;
    int stale = 0;
    // MXNet's pad counts of the batches that borrowed, so far: a recycled batch buffer keeps one
    Set<Integer> overflowPads = new HashSet<>();
    StringBuilder counts = new StringBuilder();
    for (int e = 0; e < EPOCHS; e++) {
      List<MxDataIter.Batch> w = want.get(e);
      List<DataBatch> g = got.get(e);
      counts.append(e == 0 ? "" : ",").append(w.size());
      assertThat(g).as("batches of epoch %d", e).hasSize(w.size());
      for (int b = 0; b < w.size(); b++) {
        assertThat(g.get(b).label().get(0).toFloatArray()).as("labels, epoch %d batch %d", e, b)
            .containsExactly(w.get(b).label());
        int pad = g.get(b).pad();
        if (pad > 0) {
          assertThat(pad).as("pad, epoch %d batch %d", e, b).isEqualTo(w.get(b).pad());
          overflowPads.add(pad);
          padded++;
        } else if (w.get(b).pad() != 0) {
          // MXNet's ParseNext sets num_batch_padd only on the batch that borrows, and its
          // prefetcher recycles batch buffers: a later full batch written into that buffer
          // reports the old count (which buffer is reused depends on thread timing)
          assertThat(overflowPads).as("MXNet's pad %d of full batch %d of epoch %d is not"
              + " one it reported before", w.get(b).pad(), b, e).contains(w.get(b).pad());
          stale++;
        }
        assertThat(g.get(b).data().get(0).toFloatArray()).as("pixels, epoch %d batch %d", e, b)
            .containsExactly(w.get(b).data());
      }
    }
    System.out.printf("round_batch idx %s shuffle %s seed %d part %d/%d batch %d: batches per"
        + " epoch %s, %d padded batches, %d full batches with MXNet's stale pad count%n", indexed,
        shuffle, seed, part, parts, batch, counts, padded, stale);
    assertThat(want.get(0)).as("MXNet's first epoch").isNotEmpty();
  }
}
