package org.kindling.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SeededPropertyTest {
  record Case(int[] dims, List<byte[]> payloads) {}

  @AfterEach
  void clearReplay() {
    System.clearProperty(SeededProperty.SEED_PROPERTY);
    System.clearProperty(SeededProperty.TRIES_PROPERTY);
  }

  @Test
  void runsEveryCaseWithTheSameSeedsEachTime() {
    List<Long> first = new ArrayList<>();
    List<Long> second = new ArrayList<>();
    SeededProperty.check(25, r -> r.nextLong(), first::add);
    SeededProperty.check(25, r -> r.nextLong(), second::add);
    assertThat(first).hasSize(25).doesNotHaveDuplicates().isEqualTo(second);
  }

  @Test
  void aFailureNamesTheSeedAndTheCaseAndTheSeedReplaysIt() {
    SeededProperty.Generator<Case> gen = r -> new Case(
        new int[] {r.nextInt(0, 100), 7}, List.of(new byte[] {1, 2}, Gen.bytes(r, 0, 3)));
    AssertionError failure = null;
    try {
      SeededProperty.check(200, gen, c -> assertThat(c.dims()[0]).isLessThan(90));
    } catch (AssertionError e) {
      failure = e;
    }
    assertThat(failure).isNotNull();
    String message = failure.getMessage();
    assertThat(message).contains("case: Case[dims=[", ", 7], payloads=[[1, 2], [");
    Matcher m = Pattern.compile("replay: -Dkindling\\.seed=(-?\\d+)").matcher(message);
    assertThat(m.find()).as(message).isTrue();
    assertThat(message).contains("seed " + m.group(1));

    // the named seed alone reproduces the same failing case
    System.setProperty(SeededProperty.SEED_PROPERTY, m.group(1));
    List<Integer> replayed = new ArrayList<>();
    assertThatThrownBy(() -> SeededProperty.check(200, gen, c -> {
      replayed.add(c.dims()[0]);
      assertThat(c.dims()[0]).isLessThan(90);
    })).isInstanceOf(AssertionError.class).hasMessageContaining("case 1 of 1");
    assertThat(replayed).hasSize(1);
    assertThat(replayed.get(0)).isGreaterThanOrEqualTo(90);
  }

  @Test
  void triesCanBeRaisedFromTheCommandLine() {
    System.setProperty(SeededProperty.TRIES_PROPERTY, "7");
    List<Integer> seen = new ArrayList<>();
    SeededProperty.check(3, r -> 0, seen::add);
    assertThat(seen).hasSize(7);
  }

  @Test
  void describeShowsArraysCollectionsAndRecordsElementByElement() {
    assertThat(SeededProperty.describe(new Case(new int[] {1, 2}, List.of(new byte[] {-1}))))
        .isEqualTo("Case[dims=[1, 2], payloads=[[-1]]]");
    assertThat(SeededProperty.describe(new float[100])).endsWith("... 36 more (length 100)]");
    assertThat(SeededProperty.describe("x")).isEqualTo("\"x\"");
  }
}
