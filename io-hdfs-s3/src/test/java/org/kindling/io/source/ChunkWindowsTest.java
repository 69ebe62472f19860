package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kindling.testing.SeededProperty;

/**
 * {@link PrefetchingInputStream}'s copy-free windows, its sequential requests over a source that
 * opens ranges (with requests that break or end early), and the reuse of its buffers across
 * opens.
 */
class ChunkWindowsTest {

  /** A memory source that also opens ranges; a request breaks after {@code breakAfter} bytes. */
  static class RangeSource extends MemorySource {
    final AtomicInteger opens = new AtomicInteger();
    final int breakAfter;
    final boolean throwOnBreak;

    RangeSource(byte[] data, int breakAfter, boolean throwOnBreak) {
      super(data, -1);
      this.breakAfter = breakAfter;
      this.throwOnBreak = throwOnBreak;
    }

    @Override
    public boolean opensRanges() {
      return true;
    }

    @Override
    public InputStream openRange(long position, long end) {
      opens.incrementAndGet();
      int from = (int) position;
      int to = (int) Math.min(end, data.length);
      int cut = breakAfter < 0 ? to : Math.min(to, from + breakAfter);
      return new FilterInputStream(new ByteArrayInputStream(data, from, cut - from)) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n < 0 && cut < to && throwOnBreak) {
            throw new IOException("connection reset");
          }
          return n;
        }
      };
    }
  }

  record Case(byte[] data, ReadOptions options, int breakAfter, boolean throwOnBreak,
      long seed) {}

  private static Case randomCase(Random r) {
    byte[] data = MemorySource.bytes(r, r.nextInt(1, 6000));
    // queue 0: no read-ahead, the consumer reads each chunk (decision 0078)
    ReadOptions o = new ReadOptions(r.nextInt(64, 900), r.nextInt(1, 4), r.nextInt(0, 5),
        r.nextBoolean());
    return new Case(data, o, r.nextInt(4) == 0 ? r.nextInt(0, 3000) : -1, r.nextBoolean(),
        r.nextLong());
  }

  /**
   * Windows of random sizes, joined, are the source's bytes, and a window still holds its bytes
   * after the stream has moved into the next chunk; whether chunks come from one request or from
   * ranged reads, and through requests that break.
   */
  @Test
  void windowsJoinToTheSourceBytesAndOutliveOneChunkMove() {
    SeededProperty.check(300, ChunkWindowsTest::randomCase, c -> {
      RangeSource src = new RangeSource(c.data(), c.breakAfter(), c.throwOnBreak());
      Random r = new Random(c.seed());
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try (PrefetchingInputStream in =
          new PrefetchingInputStream(src, 0, c.data().length, c.options())) {
        ByteBuffer held = null;
        long heldAt = 0;
        while (true) {
          long at = in.getPos();
          ByteBuffer w = in.window(r.nextInt(1, 400));
          if (!w.hasRemaining()) {
            break;
          }
          if (held != null) {
            assertThat(bytes(held)).as("window at %d after moving on", heldAt)
                .isEqualTo(Arrays.copyOfRange(c.data(), (int) heldAt,
                    (int) heldAt + held.remaining()));
          }
          held = w;
          heldAt = at;
          got.writeBytes(bytes(w));
        }
        assertThat(in.buffersMade()).isLessThanOrEqualTo(c.options().queueChunks() + 2);
      }
      assertThat(got.toByteArray()).isEqualTo(c.data());
      if (c.options().sequential() && c.breakAfter() < 0
          && c.data().length > 2 * c.options().chunkBytes()) {
        // one request for everything; no ranged reads
        assertThat(src.opens.get()).isEqualTo(1);
        assertThat(src.reads.get()).isZero();
      }
      if (!c.options().sequential()) {
        assertThat(src.opens.get()).isZero();
      }
    });
  }

  /**
   * Without read-ahead (queue 0) every chunk is read on the consumer's thread, in order, from the
   * one request opened at the first; a request that breaks falls back, for that chunk, to a ranged
   * read on the same thread, and the next chunk reopens.
   */
  @Test
  void withoutReadAheadTheConsumersThreadReadsTheChunksFromOneRequest() throws IOException {
    byte[] data = MemorySource.bytes(new Random(9), 5000);
    for (int breakAfter : new int[] {-1, 1200}) {
      List<Thread> readers = java.util.Collections.synchronizedList(new ArrayList<>());
      RangeSource src = new RangeSource(data, breakAfter, true) {
        @Override
        public InputStream openRange(long position, long end) {
          readers.add(Thread.currentThread());
          return super.openRange(position, end);
        }

        @Override
        public void readFully(long position, byte[] buffer, int offset, int length)
            throws IOException {
          readers.add(Thread.currentThread());
          super.readFully(position, buffer, offset, length);
        }
      };
      byte[] got;
      try (PrefetchingInputStream in =
          new PrefetchingInputStream(src, 0, data.length, new ReadOptions(700, 2, 0, true))) {
        got = in.readAllBytes();
        assertThat(in.buffersMade()).isLessThanOrEqualTo(2);
      }
      assertThat(got).isEqualTo(data);
      assertThat(readers).isNotEmpty().allMatch(t -> t == Thread.currentThread());
      if (breakAfter < 0) {
        assertThat(src.opens.get()).isEqualTo(1);
        assertThat(src.reads.get()).isZero();
      } else {
        // each request breaks 1200 bytes after its start, inside its second chunk (chunks 1, 3,
        // 5 of 700 bytes): that chunk by a ranged read, the next from a new request (at 0, 1400,
        // 2800, 4200; the last reaches the end)
        assertThat(src.reads.get()).isEqualTo(3);
        assertThat(src.opens.get()).isEqualTo(4);
      }
    }
  }

  @Test
  void aRequestEndingEarlyFallsBackToARangedReadThatNamesTheFileAndOffset() throws IOException {
    byte[] data = MemorySource.bytes(new Random(3), 4000);
    // the object is shorter than listed: both the request and the ranged read end early
    RangeSource src = new RangeSource(Arrays.copyOf(data, 2600), -1, false) {
      @Override
      public long size() {
        return 4000;
      }
    };
    try (PrefetchingInputStream in =
        new PrefetchingInputStream(src, 0, 4000, new ReadOptions(500, 2, 3, true))) {
      byte[] buf = new byte[4000];
      assertThatThrownBy(() -> in.readNBytes(buf, 0, 4000)).isInstanceOf(EOFException.class)
          .hasMessageContaining("mem://test@2500");
    }
  }

  @Test
  void buffersGoBackToThePoolAndServeTheNextOpen() throws IOException {
    byte[] data = MemorySource.bytes(new Random(5), 300_000);
    ReadOptions o = new ReadOptions(100_000, 2, 2, false);
    MemorySource first = new MemorySource(data, -1);
    try (PrefetchingInputStream in = new PrefetchingInputStream(first, 0, data.length, o)) {
      in.readAllBytes();
    }
    assertThat(ChunkPool.idleBytes()).isPositive();
    MemorySource second = new MemorySource(data, -1);
    try (PrefetchingInputStream in = new PrefetchingInputStream(second, 0, data.length, o)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    List<byte[]> reused = new ArrayList<>(second.buffers);
    reused.retainAll(first.buffers);
    assertThat(reused).isNotEmpty();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
