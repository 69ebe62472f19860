package org.kindling.symbol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The executor's workspace is the largest any kernel needs, or an error naming that kernel. */
class WorkspaceNeedTest {
  @Test
  void keepsTheLargestNeed() {
    WorkspaceNeed need = new WorkspaceNeed();
    assertThat(need.bytes()).isZero();
    need.add(100, "'a' (Convolution)");
    need.add(4096, "'b' (Convolution)");
    need.add(0, "'c' (relu)");
    assertThat(need.bytes()).isEqualTo(4096);
    assertThat(need.arrayBytes()).isEqualTo(4096);
  }

  @Test
  void aNeedAboveOneArrayIsAnErrorNamingTheNode() {
    WorkspaceNeed need = new WorkspaceNeed();
    need.add(1000, "'small' (Pooling)");
    need.add(3_300_000_000L, "'conv1_2' (Convolution)");
    assertThatThrownBy(need::arrayBytes).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'conv1_2' (Convolution)").hasMessageContaining("3300000000")
        .hasMessageContaining("kindling.dnnl.maxWorkspace");
    need.add(Integer.MAX_VALUE, "'big' (Convolution)");
    assertThat(need.bytes()).as("the largest stays").isEqualTo(3_300_000_000L);
  }

  @Test
  void exactlyOneArrayFits() {
    WorkspaceNeed need = new WorkspaceNeed();
    need.add(Integer.MAX_VALUE, "'edge' (Convolution)");
    assertThat(need.arrayBytes()).isEqualTo(Integer.MAX_VALUE);
  }
}
