package org.kindling.symbol.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.callback.TrainingCallback.Action;
import org.kindling.tensor.NDArray;

class PeriodicCheckpointTest {

  @Test
  void writesCheckpointNumberEpochPlusOneEveryPeriodEpochs() throws Exception {
    Symbol net = Symbol.variable("data");
    try (NDArray w = NDArray.zeros(2, 2); NDArray mean = NDArray.zeros(2)) {
      List<Integer> written = new ArrayList<>();
      PeriodicCheckpoint cp = new PeriodicCheckpoint((epoch, s, args, aux) -> {
        assertThat(s).isSameAs(net);
        assertThat(args).containsEntry("fc_weight", w);
        assertThat(aux).containsEntry("bn_moving_mean", mean);
        written.add(epoch);
      }, 3);
      for (int e = 0; e < 7; e++) {
        assertThat(cp.epochEnd(new EpochEndParam(e, net, Map.of("fc_weight", w),
            Map.of("bn_moving_mean", mean), List.of(), List.of(), 0.1)))
            .isEqualTo(Action.CONTINUE);
      }
      assertThat(written).containsExactly(3, 6);
    }
  }

  @Test
  void aFailingWriteReachesTheLoopAndAPeriodBelowOneIsRejected() {
    Symbol net = Symbol.variable("data");
    PeriodicCheckpoint cp = new PeriodicCheckpoint((epoch, s, a, x) -> {
      throw new IOException("disk full");
    });
    assertThatThrownBy(() -> cp.epochEnd(new EpochEndParam(0, net, Map.of(), Map.of(),
        List.of(), List.of(), 0.1))).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThatThrownBy(() -> new PeriodicCheckpoint((e, s, a, x) -> { }, 0))
        .hasMessageContaining("checkpoint period 0");
  }
}
