package org.kindling.bench.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochLoopTest {

  /** Predicts class {@code round(first pixel * 10)}, remembering the chunk sizes it was given. */
  private static final class FirstPixelSession implements MinibatchSession {
    final List<Integer> chunks = new ArrayList<>();

    @Override
    public void trainEpoch(int[] batchOrder) {}

    @Override
    public float[] predict(float[] pixels, int count) {
      assertThat(pixels).hasSize(count * FashionMnist.FEATURES);
      chunks.add(count);
      float[] scores = new float[count * FashionMnist.CLASSES];
      for (int r = 0; r < count; r++) {
        int c = Math.round(pixels[r * FashionMnist.FEATURES] * 10);
        scores[r * FashionMnist.CLASSES + c] = 1;
      }
      return scores;
    }

    @Override
    public long parameterCount() {
      return 0;
    }

    @Override
    public void close() {}
  }

  @Test
  void testAccuracyScoresEveryRowInChunksIncludingAShortLastOne() throws Exception {
    int n = 2 * EpochLoop.TEST_CHUNK + 7;
    float[] images = new float[n * FashionMnist.FEATURES];
    int[] labels = new int[n];
    int expectedCorrect = 0;
    for (int i = 0; i < n; i++) {
      int predicted = i % 10;
      images[i * FashionMnist.FEATURES] = predicted / 10f;
      labels[i] = i % 3 == 0 ? predicted : (predicted + 1) % 10; // a third are right
      expectedCorrect += labels[i] == predicted ? 1 : 0;
    }
    FirstPixelSession s = new FirstPixelSession();
    double acc = EpochLoop.testAccuracy(s, new FashionMnist(images, labels, n));
    assertThat(s.chunks).containsExactly(EpochLoop.TEST_CHUNK, EpochLoop.TEST_CHUNK, 7);
    assertThat(acc).isEqualTo((double) expectedCorrect / n);
  }

  @Test
  void parameterCountsReadWithThousandsSeparators() {
    assertThat(EpochLoop.parameters(431_080)).isEqualTo("431,080 parameters");
  }
}
