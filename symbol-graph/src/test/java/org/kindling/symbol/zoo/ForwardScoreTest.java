package org.kindling.symbol.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.storage.Storage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForwardScoreTest {
  @TempDir Path dir;

  @Test
  void scoresABatchOfRandomImagesIntoProbabilities() {
    try (ForwardScore s = new ForwardScore("mobilenet0.25", 2, 1)) {
      assertThat(s.imagesPerSecond(1, 1)).isPositive();
      float[] in = s.input();
      assertThat(in).hasSize(2 * 3 * 224 * 224);
      for (float v : in) {
        assertThat(v).isBetween(-1f, 1f);
      }
      float[] p = s.output();
      assertThat(p).hasSize(2 * ForwardScore.CLASSES);
      for (int row = 0; row < 2; row++) {
        double sum = 0;
        for (int k = 0; k < ForwardScore.CLASSES; k++) {
          sum += p[row * ForwardScore.CLASSES + k];
        }
        assertThat(sum).isCloseTo(1.0, within(1e-4));
      }
    }
  }

  /**
   * A batch whose largest internal output is over one array's bound runs as equal calls of the
   * largest divisor that fits (VGG-16 at 256: conv1_1's output of 3.1 GiB, two calls of 128),
   * and the gathered output is the output of the whole batch in one call.
   */
  @Test
  void aBatchOverTheArrayBoundRunsInEqualCallsGivingTheOneCallsOutput() {
    Symbol sym = Zoo.get("mobilenet0.25", ForwardScore.CLASSES, ForwardScore.IMAGE_SHAPE);
    long perImage = ForwardScore.largestOutput(sym, 4).bytesPerImage();
    assertThat(perImage).isPositive();
    assertThat(ForwardScore.passBatch(sym, 4, 4 * perImage)).isEqualTo(4);
    assertThat(ForwardScore.passBatch(sym, 4, 4 * perImage - 1)).isEqualTo(2);
    assertThat(ForwardScore.passBatch(sym, 6, 5 * perImage)).as("a divisor").isEqualTo(3);
    assertThat(ForwardScore.passBatch(sym, 7, 6 * perImage)).as("7 is prime").isEqualTo(1);
    String name = ForwardScore.largestOutput(sym, 2).name();
    assertThatThrownBy(() -> ForwardScore.passBatch(sym, 2, perImage - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the output " + name + " of one image is " + perImage + " bytes");

    Symbol vgg16 = Zoo.get("vgg16", ForwardScore.CLASSES, ForwardScore.IMAGE_SHAPE);
    assertThat(ForwardScore.largestOutput(vgg16, 256).bytesPerImage())
        .as("conv1's output of one image").isEqualTo(64L * 224 * 224 * 4);
    assertThat(ForwardScore.passBatch(vgg16, 256, Storage.MAX_ARRAY_BYTES)).isEqualTo(128);
    assertThat(ForwardScore.passBatch(vgg16, 128, Storage.MAX_ARRAY_BYTES)).isEqualTo(128);

    try (ForwardScore whole = new ForwardScore("mobilenet0.25", 4, 3);
        ForwardScore split = new ForwardScore("mobilenet0.25", 4, 3, 4 * perImage - 1)) {
      assertThat(whole.passBatch()).isEqualTo(4);
      assertThat(split.passBatch()).isEqualTo(2);
      assertThat(split.input()).as("the same images").containsExactly(whole.input());
      whole.forwardOnce();
      split.forwardOnce();
      float[] a = whole.output();
      float[] b = split.output();
      assertThat(b).hasSize(4 * ForwardScore.CLASSES);
      double largest = 0;
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        largest = Math.max(largest, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      assertThat(diff / largest).as("max |split - whole| / max |whole|").isLessThan(1e-5);
      // the images of the second call are not the first call's over again
      double apart = 0;
      for (int k = 0; k < ForwardScore.CLASSES; k++) {
        apart = Math.max(apart, Math.abs(b[k] - b[2 * ForwardScore.CLASSES + k]));
      }
      assertThat(apart / largest).isGreaterThan(1e-3);
      assertThat(split.imagesPerSecond(0, 1)).isPositive();
    }
  }

  /** MobileNet's activations vanished with Xavier avg weights, ResNet-50's saturate with He's. */
  @ParameterizedTest
  @ValueSource(strings = {"mobilenet", "resnet50"})
  void theOutputDependsOnTheImage(String network) {
    try (ForwardScore s = new ForwardScore(network, 2, 0)) {
      s.forwardOnce();
      float[] p = s.output();
      double largest = 0;
      double apart = 0;
      for (int k = 0; k < ForwardScore.CLASSES; k++) {
        largest = Math.max(largest, p[k]);
        apart = Math.max(apart, Math.abs(p[k] - p[ForwardScore.CLASSES + k]));
      }
      assertThat(apart / largest).as("images 0 and 1 differ by, relative to the largest value")
          .isGreaterThan(1e-3);
      assertThat(largest).as("largest probability: the softmax is not one class").isLessThan(1);
    }
  }

  @Test
  void timingRunsWarmupThenTimedPasses() {
    AtomicInteger passes = new AtomicInteger();
    double ips = ForwardScore.imagesPerSecond(passes::incrementAndGet, 4, 2, 3);
    assertThat(passes).hasValue(5);
    assertThat(ips).isPositive();
    assertThatThrownBy(() -> ForwardScore.imagesPerSecond(passes::incrementAndGet, 4, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iterations >= 1");
    assertThatThrownBy(() -> ForwardScore.imagesPerSecond(passes::incrementAndGet, 4, 0, -1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seconds >= 0");
    assertThatThrownBy(() -> ForwardScore.imagesPerSecond(passes::incrementAndGet, 4, 0, 0, 1, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timed seconds >= 0");
  }

  /** Timed passes run for their count and their duration, and the figure counts them all. */
  @Test
  void timedPassesRunForTheirDurationToo() {
    AtomicInteger passes = new AtomicInteger();
    double ips = ForwardScore.imagesPerSecond(passes::incrementAndGet, 4, 1, 0, 2, 0.05);
    int timed = passes.get() - 1;
    assertThat(timed).isGreaterThanOrEqualTo(2);
    // the timed passes spanned at least 50 ms whatever their speed (ignoring the duration: two
    // instant passes, millions of images a second)
    assertThat(ips).isPositive().isLessThanOrEqualTo(4.0 * timed / 0.05);
  }

  /** The warm-up runs until both its count and its duration are reached, whichever is later. */
  @Test
  void warmUpRunsForItsCountAndItsDuration() {
    // each pass takes 0.3 s of a fake clock: 1 s has passed after the 4th (1.2 s)
    long[] now = {0};
    int[] passes = {0};
    Runnable pass = () -> {
      passes[0]++;
      now[0] += 300_000_000L;
    };
    LongSupplier clock = () -> now[0];
    assertThat(ForwardScore.repeat(pass, 2, 1.0, clock)).isEqualTo(4);
    assertThat(passes[0]).isEqualTo(4);
    assertThat(ForwardScore.repeat(pass, 6, 1.0, clock)).as("the count is the longer").isEqualTo(6);
    assertThat(ForwardScore.repeat(pass, 0, 0.5, clock)).isEqualTo(2);
    assertThat(ForwardScore.repeat(pass, 0, 0, clock)).isZero();
  }

  @Test
  void sameSeedSameWeightsAndCheckpointForOtherFrameworks() throws Exception {
    try (ForwardScore a = new ForwardScore("mobilenet0.25", 1, 7);
        ForwardScore b = new ForwardScore("mobilenet0.25", 1, 7)) {
      a.forwardOnce();
      b.forwardOnce();
      assertThat(a.output()).containsExactly(b.output());
      a.saveCheckpoint(dir.resolve("net"));
      assertThat(dir.resolve("net-symbol.json")).exists();
      assertThat(Files.size(dir.resolve("net-0000.params"))).isPositive();
    }
  }

  @Test
  void rejectsBadBatchAndUnknownNetwork() {
    assertThatThrownBy(() -> new ForwardScore("alexnet", 0, 1))
        .hasMessageContaining("batch must be >= 1");
    assertThatThrownBy(() -> new ForwardScore("nosuchnet", 1, 1))
        .hasMessageContaining("unknown network 'nosuchnet'");
  }
}
