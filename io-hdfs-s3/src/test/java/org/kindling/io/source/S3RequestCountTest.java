package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kindling.io.RecordView;
import org.kindling.io.TestData;
import org.kindling.io.recordio.RecordIndex;
import org.kindling.io.split.PartCount;
import org.kindling.io.split.RecordIOPartReader;
import org.kindling.io.split.RecordIOSplit;

/**
 * The requests a native {@code s3://} read of small objects sends, counted at a proxy in front of
 * s3proxy: what a training task does (open the data set, count its part's records, read them).
 */
class S3RequestCountTest {
  private static S3TestServer s3;
  private static CountingHttpProxy proxy;
  private static TestData.Written plain;
  private static TestData.Written indexed;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3TestServer("kindling-requests");
    proxy = new CountingHttpProxy(s3.endpoint());
    Random random = new Random(5);
    plain = TestData.write(records(random, 7));
    indexed = TestData.write(records(random, 9));
    s3.put("set/a.rec", plain.bytes());
    s3.put("set/b.rec", indexed.bytes());
    StringBuilder idx = new StringBuilder();
    for (int i = 0; i < indexed.offsets().size(); i++) {
      RecordIndex.appendLine(idx, Integer.toString(i), indexed.offsets().get(i));
    }
    s3.put("set/b.idx", idx.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static List<byte[]> records(Random random, int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(MemorySource.bytes(random, random.nextInt(1, 500)));
    }
    return out;
  }

  @AfterAll
  static void stop() throws IOException {
    proxy.close();
    s3.close();
  }

  @BeforeEach
  void clear() {
    proxy.clear();
  }

  /**
   * A file named directly: one HEAD for its size, one HEAD that finds no {@code .idx} (no LIST
   * asking whether the {@code .idx} is a directory: it would not be an index either way), one GET
   * for the count's header scan and one for the read.
   */
  @Test
  void aSmallObjectNamedDirectlyCostsAHeadEachForItAndItsIndexAndAGetPerPass()
      throws IOException {
    RecordIOSplit split = RecordIOSplit.open(s3.uri("set/a.rec"), s3.conf(proxy.uri()));
    assertThat(proxy.requests()).containsExactly("HEAD /kindling-requests/set/a.rec");
    proxy.clear();

    PartCount count = split.countRecords(0, 1);
    assertThat(count.records()).isEqualTo(7);
    assertThat(count.fromIndex()).isFalse();
    assertThat(proxy.requests()).containsExactly("HEAD /kindling-requests/set/a.idx",
        "GET /kindling-requests/set/a.rec");
    proxy.clear();

    assertThat(readViews(split)).isEqualTo(7);
    assertThat(proxy.requests()).containsExactly("GET /kindling-requests/set/a.rec");
  }

  /**
   * Files found by listing their directory: the listing gives every size and says which
   * {@code .rec} has an {@code .idx}, so counting asks nothing more of the store than the index's
   * one GET (none where there is no index) and reading is one GET per object.
   */
  @Test
  void objectsOfAListedDirectoryAreCountedAndReadWithoutAHead() throws IOException {
    RecordIOSplit split = RecordIOSplit.open(s3.uri("set"), s3.conf(proxy.uri()));
    // what tells a directory (a HEAD finding no object "set", a LIST) and its listing
    assertThat(proxy.requests()).isNotEmpty().allMatch(r -> r.equals(
        "HEAD /kindling-requests/set") || r.startsWith("GET /kindling-requests?list-type=2&"));
    proxy.clear();

    // a.rec has no index, so the part is counted by its header scan: the two objects' GETs
    assertThat(split.countRecords(0, 1).records()).isEqualTo(16);
    assertThat(proxy.requests()).containsExactly("GET /kindling-requests/set/a.rec",
        "GET /kindling-requests/set/b.rec");
    proxy.clear();

    assertThat(readViews(split)).isEqualTo(16);
    assertThat(proxy.requests()).containsExactly("GET /kindling-requests/set/a.rec",
        "GET /kindling-requests/set/b.rec");
    proxy.clear();

    // b.rec alone through its listing: its index is read by one GET, with no HEAD before it
    RecordIOSplit one = RecordIOSplit.open(s3.uri("set/b\\.rec"), s3.conf(proxy.uri()));
    proxy.clear();
    PartCount count = one.countRecords(0, 1);
    assertThat(count.records()).isEqualTo(9);
    assertThat(count.fromIndex()).isTrue();
    assertThat(proxy.requests()).containsExactly("GET /kindling-requests/set/b.idx");
  }

  /**
   * A part of many chunks read with the store's defaults: one GET, whose body the consuming
   * thread reads itself, no reader thread started (decision 0083); a queue set restores the
   * reader thread ahead, still on one GET. Both give the written records.
   */
  @Test
  void aPartOfManyChunksIsOneGetReadOnTheConsumersThreadUnlessAQueueIsSet() throws IOException {
    Random random = new Random(11);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      records.add(MemorySource.bytes(random, random.nextInt(1, 6000)));
    }
    s3.put("many/c.rec", TestData.write(records).bytes());
    for (int queue : new int[] {-1, 4}) {
      Configuration conf = s3.conf(proxy.uri());
      conf.setInt(ReadOptions.CHUNK_BYTES_KEY, 4096); // about 90 chunks
      if (queue >= 0) {
        conf.setInt(ReadOptions.QUEUE_CHUNKS_KEY, queue);
      }
      RecordIOSplit split = RecordIOSplit.open(s3.uri("many/c.rec"), conf);
      proxy.clear();
      long readersBefore = readerThreads();
      long readersWhileReading = -1;
      List<byte[]> got = new ArrayList<>();
      try (RecordIOPartReader part = split.openPart(0, 1)) {
        for (RecordView v = part.nextView(); v != null; v = part.nextView()) {
          got.add(v.copy().payload());
          if (got.size() == records.size() / 2) {
            readersWhileReading = readerThreads();
          }
        }
      }
      String what = queue < 0 ? "default options" : "queue " + queue;
      assertThat(got).as(what).hasSize(records.size());
      for (int i = 0; i < records.size(); i++) {
        assertThat(got.get(i)).as("%s, record %d", what, i).isEqualTo(records.get(i));
      }
      assertThat(proxy.requests()).as(what).containsExactly("GET /kindling-requests/many/c.rec");
      if (queue < 0) {
        assertThat(readersWhileReading).as("reader threads started").isEqualTo(readersBefore);
      } else {
        assertThat(readersWhileReading).as("reader threads started").isGreaterThan(readersBefore);
      }
    }
  }

  /** Live reader threads of {@link PrefetchingInputStream} (named {@code kindling-read-*}). */
  private static long readerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("kindling-read-")).count();
  }

  private static int readViews(RecordIOSplit split) throws IOException {
    int n = 0;
    try (RecordIOPartReader part = split.openPart(0, 1)) {
      for (RecordView v = part.nextView(); v != null; v = part.nextView()) {
        n++;
      }
    }
    return n;
  }
}
