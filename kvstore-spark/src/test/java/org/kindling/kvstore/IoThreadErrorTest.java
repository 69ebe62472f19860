package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kindling.tensor.NDArray;
import org.kindling.tensor.Shape;

/**
 * Errors on the server's I/O threads, outside the state's tasks (decision 0085): a large push is
 * summed as it arrives and a large frame's buffer is allocated there, so running out of direct
 * memory happens there. Such an {@link Error} fails the whole server as one in the state's tasks
 * does (decision 0023 §4): every worker gets the real cause (the one whose connection met it in
 * its FATAL, the others in their held and later requests), not "rank r disconnected" nor a
 * timeout, the server reports it, and the failure listener (the driver) hears of it at once. An
 * ordinary exception there still ends that connection only. The faults come in through {@link
 * ServerFaults}, at the points where the real allocation and summing happen.
 */
@Timeout(60)
class IoThreadErrorTest {
  private static final byte[] SECRET = "io-error-test-secret-0123456789ab".getBytes();
  /** About 1.2 MB: summed as it arrives (PushReceiver) and over 1 MiB (buffered at once). */
  private static final int N = 300_007;
  private static final String NO_MEMORY =
      "Cannot reserve 1200028 bytes of direct buffer memory (injected by the test)";

  private KVStoreServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private AtomicReference<Throwable> start(ServerFaults faults) {
    server = KVStoreServer.start(
        KVStoreServerConfig.builder().numWorkers(2).secret(SECRET).build(), faults);
    AtomicReference<Throwable> heard = new AtomicReference<>();
    server.setFailureListener(heard::set);
    return heard;
  }

  private static NDArray ones(float v) {
    float[] a = new float[N];
    java.util.Arrays.fill(a, v);
    return NDArray.of(a, Shape.of(N));
  }

  @Test
  void anErrorWhileSummingAPushAsItArrivesFailsTheServerAndEveryWorkerGetsTheCause()
      throws Exception {
    AtomicInteger armed = new AtomicInteger();
    AtomicInteger sums = new AtomicInteger();
    AtomicReference<Throwable> heard = start(new ServerFaults() {
      @Override
      void beforeSum(String key, int bytes) {
        sums.incrementAndGet();
        if (key.equals("big") && armed.getAndSet(0) == 1) {
          throw new OutOfMemoryError(NO_MEMORY);
        }
      }
    });
    List<String> seen = Workers.run(2, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, 2)) {
        kv.init("small", NDArray.zeros(2));
        kv.init("big", NDArray.zeros(N));
        NDArray out = NDArray.zeros(N);
        // step 1 is summed as it arrives and works
        kv.pushPull("big", List.of(ones(rank + 1)), List.of(out));
        assertThat(out.toFloatArray()[N - 1]).isEqualTo(3f);
        kv.barrier();
        armed.set(1); // the first piece of step 2 to arrive meets the Error
        KVStoreException e = org.junit.jupiter.api.Assertions.assertThrows(
            KVStoreException.class,
            () -> kv.pushPull("big", List.of(ones(rank + 1)), List.of(out)));
        // the server stays failed: a later request, even of another key, gets the cause
        String later;
        try {
          kv.pull("small", NDArray.zeros(2));
          later = "answered";
        } catch (KVStoreException again) {
          later = again.getMessage();
        }
        return e.getMessage() + "\n--- later: " + later;
      }
    });
    assertThat(sums.get()).as("step 1 was summed as it arrived").isGreaterThan(2);
    for (String s : seen) {
      assertThat(s).contains("the kvstore server failed with java.lang.OutOfMemoryError: "
              + NO_MEMORY).contains("key 'big'").contains("summed as they arrived")
          .doesNotContain("disconnected").doesNotContain("timed out")
          .doesNotContain("answered");
    }
    assertThat(server.failure()).isInstanceOf(OutOfMemoryError.class).hasMessage(NO_MEMORY);
    assertThat(heard.get()).isInstanceOf(KVStoreException.class)
        .hasMessageContaining("OutOfMemoryError").hasMessageContaining("key 'big'")
        .hasCauseInstanceOf(OutOfMemoryError.class);
    assertThatThrownBy(server::snapshot).hasMessageContaining(NO_MEMORY);
  }

  @Test
  void anErrorWhileMakingRoomForALargeFrameFailsTheServerAndTheWaitingWorkerGetsTheCause()
      throws Exception {
    AtomicReference<Throwable> heard = start(new ServerFaults() {
      @Override
      void beforeBuffer(long frameBytes) {
        // the only frame over 1 MiB here: rank 0's INIT with the value
        throw new OutOfMemoryError(NO_MEMORY);
      }
    });
    List<String> seen = Workers.run(2, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, 2)) {
        // rank 1 registers the shape and waits in the barrier; rank 0's value meets the Error
        KVStoreException e = org.junit.jupiter.api.Assertions.assertThrows(
            KVStoreException.class, () -> kv.init("big", NDArray.zeros(N)));
        return e.getMessage();
      }
    });
    for (String s : seen) {
      assertThat(s).contains("the kvstore server failed with java.lang.OutOfMemoryError: "
              + NO_MEMORY).contains("the INIT frame of").contains("making room for it")
          .doesNotContain("disconnected").doesNotContain("timed out");
    }
    assertThat(server.failure()).isInstanceOf(OutOfMemoryError.class);
    assertThat(heard.get()).hasCauseInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void anOrdinaryExceptionWhileSummingEndsThatConnectionOnly() throws Exception {
    AtomicInteger armed = new AtomicInteger(1);
    start(new ServerFaults() {
      @Override
      void beforeSum(String key, int bytes) {
        if (armed.getAndSet(0) == 1) {
          throw new IllegalStateException("a bug in the summing (injected by the test)");
        }
      }
    });
    List<String> seen = Workers.run(2, rank -> {
      try (DistKVStore kv = Workers.connect(server, SECRET, rank, 2)) {
        kv.init("big", NDArray.zeros(N));
        KVStoreException e = org.junit.jupiter.api.Assertions.assertThrows(
            KVStoreException.class,
            () -> kv.pushPull("big", List.of(ones(1)), List.of(NDArray.zeros(N))));
        if (!e.getMessage().contains("internal server error")) {
          // the survivor's round failed with its peer's, but its connection and the server
          // still answer: the value is the initial one, no round having completed
          NDArray out = ones(7);
          kv.pull("big", out);
          assertThat(out.toFloatArray()).containsOnly(0f);
        }
        return e.getMessage();
      }
    });
    // one worker's connection ended with the bug; the other's push failed with the round
    assertThat(seen).filteredOn(s -> s.contains("internal server error")
        && s.contains("a bug in the summing")).hasSize(1);
    assertThat(seen).noneMatch(s -> s.contains("the kvstore server failed"));
    assertThat(server.failure()).as("not an Error: the server goes on").isNull();
  }
}
