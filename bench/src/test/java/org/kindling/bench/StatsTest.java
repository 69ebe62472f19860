package org.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void medianOfOddCountIsTheMiddleValueRegardlessOfOrder() {
    assertThat(Stats.median(5, 1, 3)).isEqualTo(3);
  }

  @Test
  void medianOfEvenCountAveragesTheTwoMiddleValues() {
    assertThat(Stats.median(4, 1, 3, 100)).isEqualTo(3.5);
  }

  @Test
  void medianDoesNotReorderTheCallersArray() {
    double[] v = {3, 1, 2};
    Stats.median(v);
    assertThat(v).containsExactly(3, 1, 2);
  }

  @Test
  void medianOfNothingIsAnError() {
    assertThatThrownBy(Stats::median).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void minAndMaxOfValues() {
    assertThat(Stats.min(2, -1, 7)).isEqualTo(-1);
    assertThat(Stats.max(2, -1, 7)).isEqualTo(7);
    assertThat(Stats.min()).isNaN();
  }
}
