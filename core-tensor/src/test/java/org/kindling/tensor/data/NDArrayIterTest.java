package org.kindling.tensor.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.NDArrayIter.LastBatchHandle;
import org.kindling.testing.SeededProperty;

class NDArrayIterTest {

  /** {@code (n, width)} float32: every element of row i is {@code i * scale}. */
  private static NDArray rows(int n, int width, float scale) {
    float[] v = new float[n * width];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i / width) * scale;
    }
    return NDArray.of(v, Shape.of(n, width));
  }

  /** The sample ids of a batch, read from the first column of its first data array. */
  private static int[] ids(DataBatch b) {
    NDArray d = b.data().get(0);
    float[] v = d.toFloatArray();
    int width = (int) d.shape().sizeFrom(1);
    int[] out = new int[d.shape().get(0)];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.round(v[i * width]);
    }
    return out;
  }

  private record Seen(List<int[]> ids, List<Integer> pads) {}

  /** One epoch: the ids and pad of every batch, batches closed. */
  private static Seen epoch(DataIter it) throws Exception {
    List<int[]> ids = new ArrayList<>();
    List<Integer> pads = new ArrayList<>();
    for (DataBatch b = it.next(); b != null; b = it.next()) {
      try (DataBatch batch = b) {
        assertThat(batch.batchSize()).isEqualTo(it.batchSize());
        ids.add(ids(batch));
        pads.add(batch.pad());
      }
    }
    return new Seen(ids, pads);
  }

  @Test
  void mxnetUnitTestLastBatchCountsAndRollOverAfterReset() throws Exception {
    // MXNet's test_io.py _test_last_batch_handle: 1000 samples, value i/100, batch 128
    float[] v = new float[1000 * 4];
    float[] labels = new float[1000];
    for (int i = 0; i < 1000; i++) {
      Arrays.fill(v, i * 4, i * 4 + 4, i / 100f);
      labels[i] = i / 100f;
    }
    try (NDArray data = NDArray.of(v, Shape.of(1000, 2, 2));
        NDArray label = NDArray.of(labels, Shape.of(1000, 1))) {
      int[] batches = {8, 7, 7};
      int[][] labelCounts = {{124, 100}, {100, 96}, {100, 96}};
      float[] padLastBatch = null;
      LastBatchHandle[] handles = LastBatchHandle.values();
      NDArrayIter rollOver = null;
      for (int h = 0; h < handles.length; h++) {
        NDArrayIter it = NDArrayIter.builder(List.of(data, data)).label(label).batchSize(128)
            .lastBatchHandle(handles[h]).build();
        int[] counts = new int[10];
        int n = 0;
        for (DataBatch b = it.next(); b != null; b = it.next()) {
          try (DataBatch batch = b) {
            assertThat(batch.data()).hasSize(2);
            float[] d = batch.data().get(0).toFloatArray();
            float[] l = batch.label().get(0).toFloatArray();
            for (int r = 0; r < l.length; r++) {
              assertThat(d[r * 4]).isEqualTo(l[r]);
              counts[(int) l[r]]++;
            }
            n++;
            if (handles[h] == LastBatchHandle.PAD && n == batches[0]) {
              padLastBatch = d;
              assertThat(batch.pad()).isEqualTo(8 * 128 - 1000);
            }
          }
        }
        assertThat(n).as(handles[h].toString()).isEqualTo(batches[h]);
        assertThat(counts[0]).as(handles[h].toString()).isEqualTo(labelCounts[h][0]);
        assertThat(counts[8]).as(handles[h].toString()).isEqualTo(labelCounts[h][1]);
        rollOver = it;
      }
      // roll_over: the first batch after reset is the 104 leftover samples, then 24 from the
      // start: the pad iterator's last batch
      rollOver.reset();
      try (DataBatch b = rollOver.next()) {
        assertThat(b.data().get(0).toFloatArray()).containsExactly(padLastBatch);
        assertThat(b.pad()).isZero();
      }
    }
  }

  @Test
  void mxnetDocstringExampleOrders() throws Exception {
    try (NDArray data = rows(10, 2, 1f)) {
      NDArrayIter pad = NDArrayIter.builder(data).batchSize(3).build();
      assertThat(pad.numData()).isEqualTo(10);
      Seen p = epoch(pad);
      assertThat(p.ids()).containsExactly(new int[] {0, 1, 2}, new int[] {3, 4, 5},
          new int[] {6, 7, 8}, new int[] {9, 0, 1});
      assertThat(p.pads()).containsExactly(0, 0, 0, 2);
      assertThat(pad.next()).as("stays at the end until reset").isNull();

      NDArrayIter discard = NDArrayIter.builder(data).batchSize(3)
          .lastBatchHandle(LastBatchHandle.DISCARD).build();
      assertThat(epoch(discard).ids()).hasSize(3);
      discard.reset();
      assertThat(epoch(discard).ids().get(0)).containsExactly(0, 1, 2);

      NDArrayIter roll = NDArrayIter.builder(data).batchSize(3)
          .lastBatchHandle(LastBatchHandle.ROLL_OVER).build();
      assertThat(epoch(roll).ids()).containsExactly(new int[] {0, 1, 2}, new int[] {3, 4, 5},
          new int[] {6, 7, 8});
      roll.reset();
      Seen second = epoch(roll);
      assertThat(second.ids()).containsExactly(new int[] {9, 0, 1}, new int[] {2, 3, 4},
          new int[] {5, 6, 7});
      assertThat(second.pads()).containsExactly(0, 0, 0);
      roll.reset();
      assertThat(epoch(roll).ids()).containsExactly(new int[] {8, 9, 0}, new int[] {1, 2, 3},
          new int[] {4, 5, 6}, new int[] {7, 8, 9});
      roll.reset();
      assertThat(epoch(roll).ids().get(0)).as("nothing left over").containsExactly(0, 1, 2);
    }
  }

  @Test
  void padWrapsAroundWhenTheBatchIsLargerThanTheData() throws Exception {
    try (NDArray data = rows(2, 1, 1f)) {
      NDArrayIter it = NDArrayIter.builder(data).batchSize(5).build();
      Seen s = epoch(it);
      assertThat(s.ids()).containsExactly(new int[] {0, 1, 0, 1, 0});
      assertThat(s.pads()).containsExactly(3);
    }
  }

  @Test
  void rollOverIsDroppedByASecondResetOrAHardReset() throws Exception {
    try (NDArray data = rows(5, 1, 1f)) {
      NDArrayIter it = NDArrayIter.builder(data).batchSize(2)
          .lastBatchHandle(LastBatchHandle.ROLL_OVER).build();
      epoch(it);
      it.reset();
      it.reset();
      assertThat(epoch(it).ids().get(0)).containsExactly(0, 1);
      epoch(it);
      it.hardReset();
      assertThat(epoch(it).ids().get(0)).containsExactly(0, 1);
      // a reset in the middle of an epoch starts over without leftovers
      it.reset();
      it.next().close();
      it.reset();
      assertThat(epoch(it).ids().get(0)).containsExactly(0, 1);
    }
  }

  private record Case(int num, int batch, LastBatchHandle handle, Long seed, int epochs) {}

  @Test
  void everyEpochIsAPermutationAndRollOverContinuesTheSampleStream() {
    SeededProperty.check(150, r -> new Case(r.nextInt(1, 40), r.nextInt(1, 12),
        LastBatchHandle.values()[r.nextInt(3)], r.nextBoolean() ? r.nextLong() : null,
        r.nextInt(1, 5)), c -> {
          try (NDArray data = rows(c.num, 3, 1f); NDArray label = rows(c.num, 1, 1f)) {
            NDArrayIter.Builder b = NDArrayIter.builder(data).label(label).batchSize(c.batch)
                .lastBatchHandle(c.handle);
            if (c.seed != null) {
              b.shuffle(c.seed);
            }
            NDArrayIter it = b.build();
            List<Integer> stream = new ArrayList<>();
            for (int e = 0; e < c.epochs; e++) {
              if (e > 0) {
                it.reset();
              }
              List<Integer> epochIds = new ArrayList<>();
              int batches = 0;
              for (DataBatch x = it.next(); x != null; x = it.next()) {
                try (DataBatch batch = x) {
                  int[] ids = ids(batch);
                  int[] labelIds = ids(new DataBatch(batch.label(), List.of(), 0));
                  assertThat(labelIds).as("labels follow their samples").containsExactly(ids);
                  int real = c.batch - batch.pad();
                  for (int i = 0; i < real; i++) {
                    epochIds.add(ids[i]);
                  }
                  for (int i = real; i < c.batch; i++) {
                    // filler comes from the start of this epoch's order, cyclically
                    assertThat(ids[i]).isEqualTo(epochIds.get((i - real) % c.num));
                  }
                  batches++;
                }
              }
              switch (c.handle) {
                case PAD -> {
                  assertThat(batches).isEqualTo((c.num + c.batch - 1) / c.batch);
                  assertThat(epochIds).containsExactlyInAnyOrderElementsOf(range(c.num));
                }
                case DISCARD -> {
                  assertThat(batches).isEqualTo(c.num / c.batch);
                  assertThat(epochIds).doesNotHaveDuplicates().hasSize(batches * c.batch);
                }
                case ROLL_OVER -> stream.addAll(epochIds);
              }
              if (c.seed == null && c.handle != LastBatchHandle.ROLL_OVER) {
                assertThat(epochIds.subList(0, Math.min(c.num, epochIds.size())))
                    .isEqualTo(range(Math.min(c.num, epochIds.size())));
              }
            }
            if (c.handle == LastBatchHandle.ROLL_OVER) {
              // leftovers open the next epoch: the stream is epoch order after epoch order
              assertThat(stream).hasSize(c.epochs * c.num / c.batch * c.batch);
              for (int k = 0; (k + 1) * c.num <= stream.size(); k++) {
                List<Integer> chunk = stream.subList(k * c.num, (k + 1) * c.num);
                if (c.seed == null) {
                  assertThat(chunk).isEqualTo(range(c.num));
                } else {
                  assertThat(chunk).containsExactlyInAnyOrderElementsOf(range(c.num));
                }
              }
            }
          }
        });
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void shuffleIsDeterministicPerSeedAndReshufflesAtReset() throws Exception {
    try (NDArray data = rows(50, 2, 1f)) {
      List<List<int[]>> runs = new ArrayList<>();
      for (long seed : new long[] {7, 7, 8}) {
        NDArrayIter it = NDArrayIter.builder(data).batchSize(50).shuffle(seed).build();
        List<int[]> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
          it.reset();
          epochs.add(epoch(it).ids().get(0));
        }
        runs.add(epochs);
      }
      for (int e = 0; e < 3; e++) {
        assertThat(runs.get(0).get(e)).containsExactly(runs.get(1).get(e));
        assertThat(runs.get(0).get(e)).isNotEqualTo(runs.get(2).get(e));
        assertThat(runs.get(0).get(e)).isNotEqualTo(IntStream.range(0, 50).toArray());
      }
      assertThat(runs.get(0).get(0)).isNotEqualTo(runs.get(0).get(1));
    }
  }

  @Test
  void namesFollowMxnetAndArraysAreSortedByName() throws Exception {
    ByteBuffer intLabels = ByteBuffer.allocate(4 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 4; i++) {
      intLabels.putInt(i * 10);
    }
    intLabels.flip();
    try (NDArray a = rows(4, 3, 1f); NDArray b = rows(4, 2, 100f);
        NDArray l = NDArray.ofBytes(intLabels, DType.INT32, Shape.of(4))) {
      Map<String, NDArray> named = new LinkedHashMap<>();
      named.put("zeta", a);
      named.put("alpha", b);
      NDArrayIter it = NDArrayIter.builder(named).label(l).batchSize(3).build();
      assertThat(it.provideData()).containsExactly(
          new DataDesc("alpha", Shape.of(3, 2), DType.FLOAT32),
          new DataDesc("zeta", Shape.of(3, 3), DType.FLOAT32));
      assertThat(it.provideLabel()).containsExactly(
          new DataDesc("softmax_label", Shape.of(3), DType.INT32));
      try (DataBatch batch = it.next()) {
        assertThat(batch.data().get(0).toFloatArray()).containsExactly(0, 0, 100, 100, 200, 200);
        assertThat(batch.label().get(0).dtype()).isEqualTo(DType.INT32);
        assertThat(batch.label().get(0).toFloatArray()).containsExactly(0, 10, 20);
      }

      List<NDArray> many = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        many.add(a);
      }
      NDArrayIter listed = NDArrayIter.builder(many).dataName("x").label(List.of(l, l))
          .batchSize(2).build();
      assertThat(listed.provideData().stream().map(DataDesc::name).toList())
          .containsExactly("_0_x", "_10_x", "_1_x", "_2_x", "_3_x", "_4_x", "_5_x", "_6_x",
              "_7_x", "_8_x", "_9_x");
      assertThat(listed.provideLabel().stream().map(DataDesc::name).toList())
          .containsExactly("_0_softmax_label", "_1_softmax_label");
      assertThat(NDArrayIter.builder(a).build().provideLabel()).isEmpty();
    }
  }

  @Test
  void batchesAreFreshArraysThatSeeEarlierWritesToTheSource() throws Exception {
    try (NDArray data = rows(4, 2, 1f)) {
      NDArrayIter it = NDArrayIter.builder(data).batchSize(2).build();
      DataBatch first = it.next();
      data.set(new float[] {9, 9, 8, 8, 7, 7, 6, 6});
      DataBatch second = it.next();
      assertThat(first.data().get(0).toFloatArray()).containsExactly(0, 0, 1, 1);
      assertThat(second.data().get(0).toFloatArray()).containsExactly(7, 7, 6, 6);
      first.close();
      assertThat(second.data().get(0).isClosed()).isFalse();
      second.close();
      it.close();
      assertThat(data.isClosed()).as("the iterator does not own its sources").isFalse();
      assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }

  @Test
  void badInputIsRejectedNamingTheArray() {
    try (NDArray ten = rows(10, 2, 1f); NDArray nine = rows(9, 1, 1f)) {
      assertThatThrownBy(() -> NDArrayIter.builder(ten).label(nine).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("label array 'softmax_label' has 9 rows")
          .hasMessageContaining("data array 'data' has 10");
      assertThatThrownBy(() -> NDArrayIter.builder(ten).batchSize(0).build())
          .hasMessageContaining("batchSize 0");
      assertThatThrownBy(() -> NDArrayIter.builder(List.of()).build())
          .hasMessageContaining("no data array");
      assertThatThrownBy(() -> NDArrayIter.builder(ten).label(Map.of("data", ten)).build())
          .hasMessageContaining("'data' is used by a data array and a label array");
      try (NDArray scalar = NDArray.zeros(Shape.scalar())) {
        assertThatThrownBy(() -> NDArrayIter.builder(scalar).build())
            .hasMessageContaining("data array 'data' has shape ()");
      }
      NDArray closed = rows(10, 1, 1f);
      closed.close();
      assertThatThrownBy(() -> NDArrayIter.builder(ten).label(closed).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("label array 'softmax_label' is closed");
    }
  }
}
