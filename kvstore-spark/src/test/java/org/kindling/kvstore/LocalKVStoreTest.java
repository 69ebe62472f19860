package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.symbol.kvstore.KVStore;
import org.kindling.tensor.DType;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

@Timeout(30)
class LocalKVStoreTest {

  private static NDArray arr(float... v) {
    return NDArray.of(v, Shape.of(v.length));
  }

  @Test
  void pushWithoutOptimizerAssignsTheSumOfTheList() {
    try (KVStore kv = KVStores.create("local")) {
      kv.init("w", arr(100, 100, 100));
      kv.push("w", List.of(arr(1, 2, 3), arr(10, 20, 30), arr(0.5f, 0.5f, 0.5f)));
      NDArray out = NDArray.zeros(3);
      kv.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(11.5f, 22.5f, 33.5f);

      // assign, not accumulate: a second push replaces the value
      kv.push("w", arr(-1, -1, -1));
      kv.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(-1f, -1f, -1f);
    }
  }

  @Test
  void pushWithOptimizerAppliesItToTheSum() {
    try (KVStore kv = KVStores.create("local")) {
      kv.init("w", arr(1, 2));
      kv.setOptimizer(new TestSgd(0.5f));
      kv.push("w", List.of(arr(2, 4), arr(2, 0)));
      NDArray out = NDArray.zeros(2);
      kv.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(1 - 0.5f * 4, 2 - 0.5f * 4);
      kv.push("w", arr(1, 1));
      kv.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(1 - 2 - 0.5f, 2 - 2 - 0.5f);
    }
  }

  @Test
  void pullCopiesTheValueIntoEveryOutput() {
    try (KVStore kv = KVStores.create("device")) {
      kv.init("b", NDArray.of(new float[] {1, 2, 3, 4}, Shape.of(2, 2)));
      NDArray a = NDArray.zeros(2, 2);
      NDArray b = NDArray.zeros(2, 2);
      kv.pull("b", List.of(a, b));
      assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4);
      assertThat(b.toFloatArray()).containsExactly(1, 2, 3, 4);
      assertThat(kv.rank()).isZero();
      assertThat(kv.numWorkers()).isOne();
      assertThat(kv.type()).isEqualTo("device");
    }
  }

  @Test
  void initCopiesTheValue() {
    try (KVStore kv = KVStores.create("local")) {
      NDArray v = arr(1, 2);
      kv.init("w", v);
      v.set(new float[] {7, 7});
      NDArray out = NDArray.zeros(2);
      kv.pull("w", out);
      assertThat(out.toFloatArray()).containsExactly(1f, 2f);
    }
  }

  @Test
  void initTwiceFails() {
    try (KVStore kv = KVStores.create("local")) {
      kv.init("w", arr(1));
      assertThatThrownBy(() -> kv.init("w", arr(2)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'w'")
          .hasMessageContaining("already initialized");
    }
  }

  @Test
  void wrongShapesAndUnknownKeysNameTheKey() {
    try (KVStore kv = KVStores.create("local")) {
      kv.init("fc1_weight", NDArray.zeros(2, 3));
      assertThatThrownBy(() -> kv.push("fc1_weight", NDArray.zeros(3, 2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fc1_weight").hasMessageContaining("(3, 2)")
          .hasMessageContaining("(2, 3)");
      assertThatThrownBy(() -> kv.pull("fc1_weight", NDArray.zeros(6)))
          .hasMessageContaining("fc1_weight").hasMessageContaining("(6,)");
      assertThatThrownBy(() -> kv.pull("nope", NDArray.zeros(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'nope'");
      assertThatThrownBy(() -> kv.init("ints", NDArray.zeros(Shape.of(2), DType.INT32)))
          .hasMessageContaining("int32");
      assertThatThrownBy(() -> kv.push("fc1_weight", List.of()))
          .hasMessageContaining("fc1_weight");
    }
  }

  @Test
  void barrierIsANoOpAndClosedStoreRefusesWork() {
    KVStore kv = KVStores.create("local");
    kv.init("w", arr(1));
    kv.barrier();
    kv.close();
    kv.close();
    assertThatThrownBy(() -> kv.pull("w", NDArray.zeros(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void createRejectsDistributedAndNcclTypes() {
    assertThatThrownBy(() -> KVStores.create("dist_sync"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KVStores.connect");
    assertThatThrownBy(() -> KVStores.create("nccl"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local");
    assertThat(KVStores.create("LOCAL_ALLREDUCE_CPU").numWorkers()).isOne();
  }

  @Test
  void syncModeFollowsMxnetTypeNames() {
    assertThat(SyncMode.fromType("dist_sync")).isEqualTo(SyncMode.SYNC);
    assertThat(SyncMode.fromType("dist_device_sync")).isEqualTo(SyncMode.SYNC);
    assertThat(SyncMode.fromType("dist")).isEqualTo(SyncMode.SYNC);
    assertThat(SyncMode.fromType("dist_async")).isEqualTo(SyncMode.ASYNC);
    assertThat(SyncMode.fromType("DIST_ASYNC_DEVICE")).isEqualTo(SyncMode.ASYNC);
    assertThatThrownBy(() -> SyncMode.fromType("local"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
