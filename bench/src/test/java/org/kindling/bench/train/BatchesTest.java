package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchesTest {

  /** Sample i has every pixel equal to i and label i % 10, so batches can be traced back. */
  private static FashionMnist traceable(int n) {
    float[] x = new float[n * FashionMnist.FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      Arrays.fill(x, i * FashionMnist.FEATURES, (i + 1) * FashionMnist.FEATURES, i);
      y[i] = i % 10;
    }
    return new FashionMnist(x, y, n);
  }

  @Test
  void fullBatchesOnlyAndEverySampleAtMostOnceWithItsOwnLabel() {
    Batches b = Batches.of(traceable(10), 3, 7);
    assertThat(b.count()).isEqualTo(3);
    assertThat(b.samplesPerEpoch()).isEqualTo(9);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < b.count(); i++) {
      for (int r = 0; r < 3; r++) {
        int sample = (int) b.features(i)[r * FashionMnist.FEATURES + 5];
        assertThat(seen.add(sample)).isTrue();
        assertThat(b.labels(i)[r]).isEqualTo(sample % 10);
      }
    }
  }

  @Test
  void sameSeedSameBatchesAndEpochOrdersArePermutations() {
    Batches a = Batches.of(traceable(40), 4, 3);
    Batches b = Batches.of(traceable(40), 4, 3);
    assertThat(a.features(2)).isEqualTo(b.features(2));
    int[] order = a.order(1);
    assertThat(order).isEqualTo(b.order(1));
    assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertThat(a.order(1)).isNotEqualTo(a.order(2));
  }

  @Test
  void tooLittleDataForOneBatchIsRejected() {
    assertThatThrownBy(() -> Batches.of(traceable(3), 4, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 training samples");
  }

  @Test
  void labelLayoutsAndArgmax() {
    assertThat(Batches.asFloats(new int[] {2, 0})).containsExactly(2f, 0f);
    assertThat(Batches.oneHot(new int[] {2, 0}, 3)).containsExactly(0, 0, 1, 1, 0, 0);
    assertThat(Batches.argmax(new float[] {0, 5, 1, 9, 2, 3}, 1, 3)).isEqualTo(0);
    assertThat(Batches.argmax(new float[] {0, 5, 1, 9, 2, 3}, 0, 3)).isEqualTo(1);
  }

  @Test
  void correctCountsTheRowsWhoseArgmaxMatchesTheLabel() {
    float[] scores = {0, 5, 1, 9, 2, 3, 1, 1, 4, 7, 0, 0};
    assertThat(Batches.correct(scores, new int[] {1, 0, 2, 1}, 3)).isEqualTo(3);
    assertThat(Batches.correct(scores, new int[] {0, 1, 1, 2}, 3)).isEqualTo(0);
  }
}
