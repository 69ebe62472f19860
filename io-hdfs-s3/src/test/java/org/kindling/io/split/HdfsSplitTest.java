package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.TestData;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.source.StoreEntry;

/** The same RecordIO files read part by part from an in-process HDFS and from the local disk. */
class HdfsSplitTest {
  private static MiniDFSCluster cluster;
  private static Path baseDir;
  private static Path localDir;
  private static String hdfsDir;

  @BeforeAll
  static void startHdfs() throws IOException {
    baseDir = TestData.newTempDir("minidfs");
    Configuration conf = new Configuration();
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    // Small blocks so a file spans several blocks and part boundaries fall inside them.
    conf.setLong("dfs.blocksize", 4096);
    conf.setInt("dfs.bytes-per-checksum", 512);
    conf.setLong("dfs.namenode.fs-limits.min-block-size", 512);
    cluster = new MiniDFSCluster.Builder(conf, baseDir.resolve("dfs").toFile())
        .numDataNodes(1)
        .build();
    cluster.waitActive();

    localDir = TestData.newTempDir("hdfs-local");
    Random random = new Random(42);
    FileSystem fs = cluster.getFileSystem();
    hdfsDir = fs.getUri() + "/data";
    for (int f = 0; f < 3; f++) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 60 + 20 * f; i++) {
        byte[] payload = new byte[random.nextInt(400)];
        random.nextBytes(payload);
        if (i % 5 == 0 && payload.length >= 8) {
          System.arraycopy(TestData.MAGIC, 0, payload, (payload.length / 8) * 4, 4);
        }
        records.add(payload);
      }
      byte[] bytes = TestData.write(records).bytes();
      String name = "part-" + f + ".rec";
      Files.write(localDir.resolve(name), bytes);
      try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/data/" + name))) {
        out.write(bytes);
      }
    }
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
    TestData.deleteTree(baseDir);
    TestData.deleteTree(localDir);
  }

  private static Configuration clientConf() {
    return cluster.getConfiguration(0);
  }

  /** Records of all parts, as (file name, file offset, global offset, payload) strings. */
  private static List<String> readAllParts(String uri, int n, boolean prefetch)
      throws IOException {
    return readAllParts(uri, n, prefetch, clientConf());
  }

  private static List<String> readAllParts(String uri, int n, boolean prefetch,
      Configuration conf) throws IOException {
    RecordIOSplit split = RecordIOSplit.open(uri, conf);
    List<String> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      RecordIOPartReader part = split.openPart(k, n, 1000);
      try (org.kindling.io.RecordSource source =
          prefetch ? new PrefetchingRecordSource(part, 2, 8, 1 << 16) : part) {
        LocatedRecord r;
        while ((r = source.next()) != null) {
          out.add(k + " " + new org.apache.hadoop.fs.Path(r.file()).getName() + " "
              + r.fileOffset() + " " + r.globalOffset() + " " + Arrays.hashCode(r.payload())
              + " " + r.payload().length);
        }
      }
    }
    return out;
  }

  @Test
  void everyPartReadsTheSameThroughHdfsAsFromLocalFiles() throws IOException {
    assertThat(hdfsDir).startsWith("hdfs://");
    List<String> whole = readAllParts(localDir.toUri().toString(), 1, false);
    assertThat(whole).hasSize(60 + 80 + 100);
    for (int n = 1; n <= 7; n++) {
      List<String> local = readAllParts(localDir.toUri().toString(), n, false);
      List<String> hdfs = readAllParts(hdfsDir, n, n % 2 == 0);
      assertThat(hdfs).as("N=%d", n).isEqualTo(local);
      // Without the part number, the concatenation of the parts is the whole file list.
      assertThat(local.stream().map(s -> s.substring(s.indexOf(' ') + 1)).toList())
          .isEqualTo(whole.stream().map(s -> s.substring(s.indexOf(' ') + 1)).toList());
    }
  }

  /** The client's configuration reading chunks of {@code chunkBytes}, streamed or positioned. */
  private static Configuration readConf(int chunkBytes, boolean sequential) {
    Configuration conf = new Configuration(clientConf());
    conf.setInt(ReadOptions.CHUNK_BYTES_KEY, chunkBytes);
    conf.setBoolean(ReadOptions.SEQUENTIAL_KEY, sequential);
    return conf;
  }

  @Test
  void partsReadTheSameFromOneStreamAsFromPositionedReadsAndLocalFiles() throws IOException {
    // 1000-byte chunks: every part is many chunks, read ahead by reader threads, and the stream
    // crosses the 4096-byte blocks inside chunks
    for (int n : new int[] {1, 2, 5}) {
      List<String> local = readAllParts(localDir.toUri().toString(), n, false);
      assertThat(readAllParts(hdfsDir, n, n == 2, readConf(1000, true))).as("stream, N=%d", n)
          .isEqualTo(local);
      assertThat(readAllParts(hdfsDir, n, false, readConf(1000, false)))
          .as("positioned reads, N=%d", n).isEqualTo(local);
    }
  }

  @Test
  void hdfsOpensSequentialRangesOverBlocksAndLocalFilesDoNot() throws IOException {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(hdfsDir + "/part-2.rec");
    byte[] want = Files.readAllBytes(localDir.resolve("part-2.rec"));
    ByteStore store = ByteStores.forPath(file, clientConf());
    try (ByteSource source = ByteStores.open(store, store.stat(file), clientConf())) {
      assertThat(source.opensRanges()).isTrue();
      try (InputStream in = source.openRange(1000, 9000)) {
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(want, 1000, 9000));
      }
      try (InputStream in = source.openRange(want.length - 10, want.length)) {
        assertThat(in.readAllBytes()).isEqualTo(
            Arrays.copyOfRange(want, want.length - 10, want.length));
      }
    }
    org.apache.hadoop.fs.Path local =
        new org.apache.hadoop.fs.Path(localDir.resolve("part-2.rec").toUri());
    ByteStore localStore = ByteStores.forPath(local, clientConf());
    try (ByteSource source = ByteStores.open(localStore, localStore.stat(local), clientConf())) {
      assertThat(source.opensRanges()).isFalse();
    }
  }

  @Test
  void aFileCutShortAfterListingIsReportedWithItsNameAndOffsetWhenStreamed() throws IOException {
    FileSystem fs = cluster.getFileSystem();
    byte[] whole = Files.readAllBytes(localDir.resolve("part-1.rec"));
    org.apache.hadoop.fs.Path cut = new org.apache.hadoop.fs.Path("/cut/part-1.rec");
    try (OutputStream out = fs.create(cut, true)) {
      out.write(whole);
    }
    RecordIOSplit split = RecordIOSplit.open(fs.getUri() + "/cut/part-1.rec",
        readConf(1000, true));
    try (OutputStream out = fs.create(cut, true)) {
      out.write(whole, 0, whole.length / 2); // replaced by its first half after listing
    }
    assertThatThrownBy(() -> {
      try (RecordIOPartReader part = split.openPart(0, 1)) {
        while (part.next() != null) {
          // read to the cut
        }
      }
    }).isInstanceOf(EOFException.class).hasMessageContaining("/cut/part-1.rec")
        .hasMessageContaining("truncated or replaced").hasMessageContaining("at offset");
  }

  @Test
  void theDumpOfAnHdfsFileMatchesTheLocalDump() throws IOException {
    StringBuilder local = new StringBuilder();
    StringBuilder hdfs = new StringBuilder();
    RecordIODump.Part part = RecordIODump.Part.parse("1/3");
    String localFile = localDir.resolve("part-2.rec").toUri().toString();
    RecordIODump.dump(localFile, clientConf(), part, true, local);
    RecordIODump.dump(hdfsDir + "/part-2.rec", clientConf(), part, true, hdfs);
    // the same lines but for the file column, which names each store's own file
    assertThat(withoutFiles(hdfs.toString(), hdfsDir + "/part-2.rec"))
        .isEqualTo(withoutFiles(local.toString(), localFile.replace("file:///", "file:/")))
        .isNotEmpty();
  }

  /** The dump's lines without their file column, which must be {@code file} on every line. */
  private static List<String> withoutFiles(String dump, String file) {
    return dump.lines().map(l -> {
      String[] cols = l.split("\t");
      assertThat(cols[1]).isEqualTo(file);
      return cols[0] + "\t" + String.join("\t", Arrays.copyOfRange(cols, 2, cols.length));
    }).toList();
  }
}
