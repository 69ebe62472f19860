package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kindling.io.TestData.ascii;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.RecordSource;
import org.kindling.io.TestData;
import org.kindling.tensor.FormatException;

class PrefetchingRecordSourceTest {
  private final Path dir = TestData.newTempDir("prefetch");

  @AfterEach
  void cleanUp() {
    TestData.deleteTree(dir);
  }

  /** Yields {@code count} records (or forever if negative), then optionally fails. */
  static class CountingSource implements RecordSource {
    final int count;
    final RuntimeException runtimeFailure;
    final IOException ioFailure;
    int produced;
    final AtomicBoolean closed = new AtomicBoolean();

    CountingSource(int count, IOException ioFailure, RuntimeException runtimeFailure) {
      this.count = count;
      this.ioFailure = ioFailure;
      this.runtimeFailure = runtimeFailure;
    }

    @Override
    public LocatedRecord next() throws IOException {
      if (count >= 0 && produced >= count) {
        if (ioFailure != null) {
          throw ioFailure;
        }
        if (runtimeFailure != null) {
          throw runtimeFailure;
        }
        return null;
      }
      int i = produced++;
      return new LocatedRecord(ascii("r" + i), "mem", 4L * i, 4L * i);
    }

    @Override
    public void reset() {
      produced = 0;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private static List<String> drain(RecordSource s) throws IOException {
    List<String> out = new ArrayList<>();
    LocatedRecord r;
    while ((r = s.next()) != null) {
      out.add(new String(r.payload()));
    }
    return out;
  }

  @Test
  void deliversTheSameRecordsAsThePartReaderAndStopsItsThreadAtTheEnd() throws Exception {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      records.add(TestData.concat(ascii("rec" + i), i % 7 == 0 ? TestData.MAGIC : new byte[0]));
    }
    Path file = dir.resolve("p.rec");
    Files.write(file, TestData.write(records).bytes());
    RecordIOSplit split = RecordIOSplit.open(file.toString(), new Configuration());
    List<LocatedRecord> direct = RecordIOSplitTest.readPart(split, 1, 2);
    try (PrefetchingRecordSource p =
        new PrefetchingRecordSource(split.openPart(1, 2), 2, 16, 1 << 20)) {
      List<LocatedRecord> prefetched = new ArrayList<>();
      LocatedRecord r;
      while ((r = p.next()) != null) {
        prefetched.add(r);
      }
      assertThat(prefetched).isEqualTo(direct).isNotEmpty();
      assertThat(p.next()).isNull();
      assertThat(p.producerAlive()).isFalse();
    }
  }

  @Test
  void aReaderFailureReachesTheConsumerAfterTheRecordsBeforeIt() throws Exception {
    FormatException failure = new FormatException("x.rec", 40, "bad magic");
    CountingSource source = new CountingSource(5, failure, null);
    try (PrefetchingRecordSource p = new PrefetchingRecordSource(source, 1, 2, 1 << 20)) {
      for (int i = 0; i < 5; i++) {
        assertThat(new String(p.next().payload())).isEqualTo("r" + i);
      }
      assertThatThrownBy(p::next).isSameAs(failure);
      assertThatThrownBy(p::next).isSameAs(failure);
      assertThat(p.producerAlive()).isFalse();
    }
    assertThat(source.closed).isTrue();
  }

  @Test
  void aRuntimeFailureKeepsItsType() throws Exception {
    IllegalStateException failure = new IllegalStateException("boom");
    try (PrefetchingRecordSource p =
        new PrefetchingRecordSource(new CountingSource(0, null, failure))) {
      assertThatThrownBy(p::next).isSameAs(failure);
    }
  }

  @Test
  void closeStopsAProducerBlockedOnAFullQueueAndClosesTheSource() throws Exception {
    CountingSource endless = new CountingSource(-1, null, null);
    PrefetchingRecordSource p = new PrefetchingRecordSource(endless, 1, 1, 1 << 20);
    assertThat(new String(p.next().payload())).isEqualTo("r0");
    assertThat(new String(p.next().payload())).isEqualTo("r1");
    assertThat(p.producerAlive()).isTrue();
    p.close();
    assertThat(p.producerAlive()).isFalse();
    assertThat(endless.closed).isTrue();
    assertThatThrownBy(p::next).isInstanceOf(IllegalStateException.class);
    p.close(); // idempotent
  }

  @Test
  void resetStartsTheNextEpochFromTheFirstRecord() throws Exception {
    try (PrefetchingRecordSource p =
        new PrefetchingRecordSource(new CountingSource(10, null, null), 2, 3, 1 << 20)) {
      p.next();
      p.next();
      p.reset();
      assertThat(drain(p)).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8",
          "r9");
      p.reset();
      assertThat(drain(p)).hasSize(10);
    }
  }

  /** The consumer's waiting is counted, and only inside its calls to next(). */
  @Test
  void waitingForTheProducerIsCountedInsideNext() throws Exception {
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    CountingSource gated = new CountingSource(3, null, null) {
      @Override
      public LocatedRecord next() throws IOException {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
        return super.next();
      }
    };
    try (PrefetchingRecordSource p = new PrefetchingRecordSource(gated, 2, 1, 1 << 20)) {
      assertThat(p.waitNanos()).isZero();
      Thread opener = new Thread(() -> {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        go.countDown();
      });
      opener.start();
      long t0 = System.nanoTime();
      assertThat(new String(p.next().payload())).isEqualTo("r0");
      long elapsed = System.nanoTime() - t0;
      opener.join();
      assertThat(p.waitNanos()).isPositive().isLessThanOrEqualTo(elapsed);
      assertThat(drain(p)).containsExactly("r1", "r2");
    }
  }

  @Test
  void blocksAreCutByBytesAsWellAsByCount() throws Exception {
    // One byte per block: every record travels alone, and order is still preserved.
    try (PrefetchingRecordSource p =
        new PrefetchingRecordSource(new CountingSource(50, null, null), 3, 1000, 1)) {
      List<String> got = drain(p);
      assertThat(got).hasSize(50);
      assertThat(got.get(49)).isEqualTo("r49");
    }
  }
}
