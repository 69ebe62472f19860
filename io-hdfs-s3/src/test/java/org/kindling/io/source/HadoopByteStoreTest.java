package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kindling.io.LocatedRecord;
import org.kindling.io.TestData;
import org.kindling.io.split.RecordIOSplit;

class HadoopByteStoreTest {
  private final java.nio.file.Path dir = TestData.newTempDir("hadoop-store");

  @AfterEach
  void clean() {
    TestData.deleteTree(dir);
  }

  private static Configuration flakyConf() {
    Configuration conf = new Configuration();
    conf.setClass("fs.flaky.impl", FlakyFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.flaky.impl.disable.cache", true);
    conf.setLong(RetryPolicy.BASE_MS_KEY, 1);
    conf.setLong(RetryPolicy.MAX_MS_KEY, 2);
    return conf;
  }

  private java.nio.file.Path writeData() throws IOException {
    Random r = new Random(5);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(MemorySource.bytes(r, r.nextInt(0, 500)));
    }
    java.nio.file.Path file = dir.resolve("a.rec");
    Files.write(file, TestData.write(records).bytes());
    return file;
  }

  @Test
  void readsThroughAFileSystemThatFailsTheFirstReadsAreRetried() throws IOException {
    java.nio.file.Path file = writeData();
    List<byte[]> want = payloads(file.toUri().toString(), new Configuration());
    FlakyFileSystem.FAILURES.set(4);
    FlakyFileSystem.FAILED.set(0);
    Configuration conf = flakyConf();
    conf.setInt(ReadOptions.CHUNK_BYTES_KEY, 4096);
    List<byte[]> got = payloads("flaky://" + file, conf);
    assertThat(FlakyFileSystem.FAILED.get()).isEqualTo(4);
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(want.get(i));
    }
  }

  @Test
  void aFileSystemThatKeepsFailingIsReportedWithFileAndOffset() throws IOException {
    java.nio.file.Path file = writeData();
    FlakyFileSystem.FAILURES.set(1000);
    Configuration conf = flakyConf();
    conf.setInt(RetryPolicy.ATTEMPTS_KEY, 3);
    assertThatThrownBy(() -> payloads("flaky://" + file, conf))
        .hasMessageContaining("of flaky:" + file + " at offset 0 failed 3 times")
        .hasMessageContaining("Connection reset");
    FlakyFileSystem.FAILURES.set(0);
  }

  @Test
  void aCommittedOutputReplacesTheFileAndLeavesNoTemporary() throws IOException {
    Path target = new Path(dir.resolve("sub/out.bin").toUri());
    Files.createDirectories(dir.resolve("sub"));
    Files.write(dir.resolve("sub/out.bin"), new byte[] {1, 2, 3});
    try (AtomicOutput out = ByteStores.create(target, new Configuration())) {
      out.stream().write(new byte[] {9, 8, 7, 6});
      out.stream().close(); // ends the writing, publishes nothing
      assertThat(Files.readAllBytes(dir.resolve("sub/out.bin"))).containsExactly(1, 2, 3);
      out.commit();
    }
    assertThat(Files.readAllBytes(dir.resolve("sub/out.bin"))).containsExactly(9, 8, 7, 6);
    assertThat(names(dir.resolve("sub"))).containsExactly("out.bin");
  }

  @Test
  void anUncommittedOutputLeavesNothingUnderTheFinalName() throws IOException {
    Path target = new Path(dir.resolve("new/out.bin").toUri());
    try (AtomicOutput out = ByteStores.create(target, new Configuration())) {
      out.stream().write(new byte[1000]);
    }
    assertThat(names(dir.resolve("new"))).isEmpty();
    assertThatThrownBy(() -> {
      try (AtomicOutput out = ByteStores.create(target, new Configuration())) {
        out.commit();
        out.commit();
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("already committed");
  }

  private static List<String> names(java.nio.file.Path d) throws IOException {
    try (Stream<java.nio.file.Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static List<byte[]> payloads(String uri, Configuration conf) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (var part = RecordIOSplit.open(uri, conf).openPart(0, 1)) {
      LocatedRecord r;
      while ((r = part.next()) != null) {
        out.add(r.payload());
      }
    }
    return out;
  }
}
