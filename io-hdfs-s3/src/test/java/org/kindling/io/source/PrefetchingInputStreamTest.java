package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kindling.testing.SeededProperty;

class PrefetchingInputStreamTest {

  record Case(byte[] data, long start, long aheadLimit, ReadOptions options, long seed) {}

  private static Case randomCase(Random r) {
    byte[] data = MemorySource.bytes(r, r.nextInt(0, 5000));
    long start = data.length == 0 ? 0 : r.nextInt(0, data.length + 1);
    long ahead = r.nextInt(0, data.length + 2000);
    ReadOptions o = new ReadOptions(r.nextInt(64, 700), r.nextInt(1, 5), r.nextInt(1, 6));
    return new Case(data, start, ahead, o, r.nextLong());
  }

  /** Random reads and seeks return the source's bytes; buffers never exceed queueChunks + 2. */
  @Test
  void readsAndSeeksReturnTheSourceBytesWithBoundedBuffers() {
    SeededProperty.check(300, PrefetchingInputStreamTest::randomCase, c -> {
      MemorySource src = new MemorySource(c.data(), -1);
      Random r = new Random(c.seed());
      try (PrefetchingInputStream in =
          new PrefetchingInputStream(src, c.start(), c.aheadLimit(), c.options())) {
        long pos = c.start();
        for (int step = 0; step < 30; step++) {
          if (r.nextInt(5) == 0) {
            pos = r.nextInt(0, c.data().length + 1);
            in.seek(pos);
          }
          byte[] got = new byte[r.nextInt(1, 900)];
          int n = in.read(got, 0, got.length);
          if (pos == c.data().length) {
            assertThat(n).isEqualTo(-1);
            continue;
          }
          assertThat(n).isPositive();
          assertThat(MemorySource.slice(got, 0, n))
              .isEqualTo(MemorySource.slice(c.data(), pos, pos + n));
          pos += n;
          assertThat(in.getPos()).isEqualTo(pos);
        }
        assertThat(in.buffersMade()).isLessThanOrEqualTo(c.options().queueChunks() + 2);
        assertThat(src.buffers.size()).isLessThanOrEqualTo(c.options().queueChunks() + 2);
      }
      assertThat(src.closed).isTrue();
    });
  }

  /**
   * Back-pressure: chunk c is requested only once the consumer has started on chunk c - Q, so a
   * consumer that stops leaves at most Q chunks read ahead, however fast the source is.
   */
  @Test
  void readsNoMoreThanTheQueueAheadOfTheConsumer() throws Exception {
    int chunk = 100;
    int queue = 3;
    byte[] data = MemorySource.bytes(new Random(7), chunk * 40);
    AtomicInteger consumerChunk = new AtomicInteger();
    AtomicBoolean violated = new AtomicBoolean();
    CountDownLatch firstWave = new CountDownLatch(queue + 1);
    MemorySource src = new MemorySource(data, -1) {
      @Override
      public void readFully(long position, byte[] buffer, int offset, int length)
          throws IOException {
        if (position / chunk > consumerChunk.get() + queue) {
          violated.set(true);
        }
        super.readFully(position, buffer, offset, length);
        firstWave.countDown();
      }
    };
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (PrefetchingInputStream in =
        new PrefetchingInputStream(src, 0, data.length, new ReadOptions(chunk, 4, queue))) {
      byte[] b = new byte[chunk];
      for (int j = 0; j < 40; j++) {
        consumerChunk.set(j);
        assertThat(in.read(b, 0, chunk)).isEqualTo(chunk);
        all.write(b);
        if (j == 0) {
          firstWave.await(); // the readers have had every chance to run ahead
        }
      }
    }
    assertThat(violated).isFalse();
    assertThat(all.toByteArray()).isEqualTo(data);
    assertThat(src.reads.get()).isEqualTo(40);
  }

  /** A failed chunk is reported after every byte before it, with the source's message. */
  @Test
  void aFailureIsDeliveredInOrderAtItsOffset() {
    SeededProperty.check(100, r -> {
      byte[] data = MemorySource.bytes(r, r.nextInt(200, 4000));
      return new Object[] {data, (long) r.nextInt(0, data.length),
          new ReadOptions(r.nextInt(64, 500), r.nextInt(1, 4), r.nextInt(1, 5))};
    }, c -> {
      byte[] data = (byte[]) c[0];
      long failAt = (Long) c[1];
      ReadOptions o = (ReadOptions) c[2];
      MemorySource src = new MemorySource(data, failAt);
      long firstBad = failAt / o.chunkBytes() * o.chunkBytes();
      try (PrefetchingInputStream in = new PrefetchingInputStream(src, 0, data.length, o)) {
        byte[] got = in.readNBytes((int) firstBad);
        assertThat(got).isEqualTo(MemorySource.slice(data, 0, firstBad));
        assertThatThrownBy(in::read).isInstanceOf(IOException.class)
            .hasMessage("mem://test@" + firstBad + ": injected failure");
        // It stays failed: the next call reports the same error.
        assertThatThrownBy(in::read).hasMessageContaining("@" + firstBad + ":");
      }
    });
  }

  @Test
  void pastTheAheadLimitChunksAreReadOnTheConsumersThread() throws Exception {
    byte[] data = MemorySource.bytes(new Random(3), 1000);
    Thread consumer = Thread.currentThread();
    AtomicBoolean otherThread = new AtomicBoolean();
    MemorySource src = new MemorySource(data, -1) {
      @Override
      public void readFully(long position, byte[] buffer, int offset, int length)
          throws IOException {
        if (Thread.currentThread() != consumer) {
          otherThread.set(true);
        }
        super.readFully(position, buffer, offset, length);
      }
    };
    try (PrefetchingInputStream in = new PrefetchingInputStream(src, 200, 200,
        new ReadOptions(128, 2, 2))) {
      assertThat(in.readAllBytes()).isEqualTo(MemorySource.slice(data, 200, 1000));
    }
    assertThat(otherThread).isFalse();
  }

  @Test
  void closeEndsTheReaderThreads() throws Exception {
    byte[] data = MemorySource.bytes(new Random(5), 10_000);
    MemorySource src = new MemorySource(data, -1);
    PrefetchingInputStream in =
        new PrefetchingInputStream(src, 0, data.length, new ReadOptions(100, 3, 4));
    assertThat(in.read()).isEqualTo(data[0] & 0xFF);
    in.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("kindling-read-") && t.isAlive());
    assertThatThrownBy(in::read).hasMessageContaining("closed");
  }
}
