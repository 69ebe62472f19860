package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.testing.Gen;
import org.kindling.testing.SeededProperty;

/**
 * {@link RecordIOReader#skip()} over a {@link PrefetchingInputStream} with small chunks and a
 * small parse buffer, so payloads are skipped by seeking the stream (forward inside the chunks
 * already requested, and past them): it visits the same record heads as {@link
 * RecordIOReader#next()}, split records included.
 */
class SkipOverPrefetchTest {

  record Case(List<byte[]> records, int chunk, int threads, int queue) {}

  @Test
  void skipVisitsTheHeadsThatNextReturns() {
    SeededProperty.check(60, r -> new Case(
            Gen.listOf(r, 0, 30, p -> p.nextInt(4) == 0 ? TestData.magicHeavyPayload(p)
                : Gen.bytes(p, 0, 3000)),
            r.nextInt(64, 2000), r.nextInt(1, 4), r.nextInt(1, 5)),
        c -> {
          byte[] file = TestData.write(c.records()).bytes();
          ReadOptions options = new ReadOptions(c.chunk(), c.threads(), c.queue());
          assertThat(heads(file, options, true)).isEqualTo(heads(file, options, false));
          assertThat(heads(file, options, true)).hasSize(c.records().size());
        });
  }

  private static List<Long> heads(byte[] file, ReadOptions options, boolean skip)
      throws IOException {
    List<Long> heads = new ArrayList<>();
    MemorySource source = new MemorySource(file, Long.MAX_VALUE);
    try (RecordIOReader reader = new RecordIOReader(
        new PrefetchingInputStream(source, 0, file.length, options), "mem.rec", file.length,
        64)) {
      while (skip ? reader.skip() : reader.next() != null) {
        heads.add(reader.lastRecordOffset());
      }
      assertThat(reader.tell()).isEqualTo(file.length);
    }
    return heads;
  }
}
