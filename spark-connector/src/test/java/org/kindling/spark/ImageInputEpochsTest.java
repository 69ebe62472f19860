package org.kindling.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.image.ImageCodec;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;

/**
 * The training path keeps Kindling's {@code LastBatch.PAD} although {@code ImageRecordIter}
 * defaults to MXNet's {@code round_batch} (decision 0073): under {@link FixedStepsIter} every
 * epoch of a decoded part starts at its first record and has the same batches, and a short part
 * wraps around within the epoch.
 */
class ImageInputEpochsTest {

  /** Records {@code 0..n-1} of 8x8 PNG images, record {@code i} with label {@code i}. */
  private static final class PngSource implements RecordSource {
    private final List<byte[]> records = new ArrayList<>();
    private int next;

    PngSource(int n) {
      Random r = new Random(5);
      for (int i = 0; i < n; i++) {
        byte[] px = new byte[8 * 8 * 3];
        r.nextBytes(px);
        records.add(ImageRecordHeader.pack(ImageRecordHeader.of(i, i, 0),
            ImageCodec.encode(px, 8, 8, 3, ".png", 3)));
      }
    }

    @Override
    public LocatedRecord next() {
      if (next >= records.size()) {
        return null;
      }
      int i = next++;
      return new LocatedRecord(records.get(i), "mem.rec", 1000L * i, 1000L * i);
    }

    @Override
    public void reset() {
      next = 0;
    }

    @Override
    public void close() {}
  }

  private static List<List<float[]>> labelsOfEpochs(int records, int steps, int epochs)
      throws IOException {
    ImageInput input = ImageInput.builder().dataShape(3, 8, 8).build();
    List<List<float[]>> out = new ArrayList<>();
    try (DataIter it = new FixedStepsIter(input.trainIter(new PngSource(records),
        new int[] {3, 8, 8}, 1f, 4, 0, 0, false), steps)) {
      for (int e = 0; e < epochs; e++) {
        if (e > 0) {
          it.reset();
        }
        List<float[]> epoch = new ArrayList<>();
        for (DataBatch b = it.next(); b != null; b = it.next()) {
          epoch.add(b.label().get(0).toFloatArray());
        }
        out.add(epoch);
      }
    }
    return out;
  }

  @Test
  void everyTrainingEpochStartsAtThePartsFirstRecord() throws IOException {
    // 10 records in batches of 4: MXNet's round_batch would start epoch 1 at record 2
    for (List<float[]> epoch : labelsOfEpochs(10, 3, 3)) {
      assertThat(epoch).hasSize(3);
      assertThat(epoch.get(0)).containsExactly(0f, 1f, 2f, 3f);
      assertThat(epoch.get(2)).containsExactly(8f, 9f, 0f, 1f);
    }
  }

  @Test
  void aShortPartWrapsWithinTheEpochAndRestartsAtTheNext() throws IOException {
    // this worker's 10 records give 3 batches; the longest part needs 5 steps
    for (List<float[]> epoch : labelsOfEpochs(10, 5, 2)) {
      assertThat(epoch).hasSize(5);
      assertThat(epoch.get(0)).containsExactly(0f, 1f, 2f, 3f);
      assertThat(epoch.get(3)).containsExactly(0f, 1f, 2f, 3f);
      assertThat(epoch.get(4)).containsExactly(4f, 5f, 6f, 7f);
    }
  }
}
