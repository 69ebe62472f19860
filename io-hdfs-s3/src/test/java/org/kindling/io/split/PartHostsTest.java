package org.kindling.io.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kindling.io.TestData;

/**
 * The hosts of a part on an in-process HDFS of three datanodes with distinct host names, 4 KiB
 * blocks, each file placed on chosen datanodes (one file on two): for every N, each part's hosts
 * are those a byte-by-byte count over the part's range gives (each byte scores every host holding
 * a replica of its block), best first, at most three. Local files give none.
 */
class PartHostsTest {
  private static final String[] HOSTS = {"host-a", "host-b", "host-c"};
  private static MiniDFSCluster cluster;
  private static Path baseDir;
  private static Path localDir;
  private static String hdfsDir;

  @BeforeAll
  static void startHdfs() throws IOException {
    baseDir = TestData.newTempDir("minidfs-hosts");
    Configuration conf = new Configuration();
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setLong("dfs.blocksize", 4096);
    conf.setInt("dfs.bytes-per-checksum", 512);
    conf.setLong("dfs.namenode.fs-limits.min-block-size", 512);
    cluster = new MiniDFSCluster.Builder(conf, baseDir.resolve("dfs").toFile())
        .numDataNodes(3).hosts(HOSTS).build();
    cluster.waitActive();
    DistributedFileSystem fs = cluster.getFileSystem();
    hdfsDir = fs.getUri() + "/data";
    localDir = TestData.newTempDir("hosts-local");
    Random random = new Random(7);
    int[][] placement = {{0}, {1}, {2, 0}};
    for (int f = 0; f < 3; f++) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 40 + 30 * f; i++) {
        byte[] payload = new byte[random.nextInt(500)];
        random.nextBytes(payload);
        records.add(payload);
      }
      byte[] bytes = TestData.write(records).bytes();
      InetSocketAddress[] favored = new InetSocketAddress[placement[f].length];
      for (int i = 0; i < favored.length; i++) {
        favored[i] = cluster.getDataNodes().get(dataNode(placement[f][i])).getXferAddress();
      }
      String name = "part-" + f + ".rec";
      try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/data/" + name),
          FsPermission.getFileDefault(), true, 4096, (short) favored.length, 4096, null,
          favored)) {
        out.write(bytes);
      }
      Files.write(localDir.resolve(name), bytes);
    }
  }

  /** The index in the cluster's list of the datanode named {@code HOSTS[h]}. */
  private static int dataNode(int h) {
    for (int i = 0; i < cluster.getDataNodes().size(); i++) {
      if (cluster.getDataNodes().get(i).getDatanodeId().getHostName().equals(HOSTS[h])) {
        return i;
      }
    }
    throw new IllegalStateException("no datanode named " + HOSTS[h]);
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
    TestData.deleteTree(baseDir);
    TestData.deleteTree(localDir);
  }

  @Test
  void eachPartPrefersTheHostsHoldingMostOfItsBytes() throws IOException {
    Configuration conf = cluster.getConfiguration(0);
    RecordIOSplit split = RecordIOSplit.open(hdfsDir, conf);
    PartHosts hosts = PartHosts.of(split, conf);
    Set<String> firsts = new HashSet<>();
    for (int n = 1; n <= 9; n++) {
      for (int k = 0; k < n; k++) {
        String[] got = hosts.hosts(split, k, n);
        PartRange range = split.rawRange(k, n);
        assertThat(got).as("part %d/%d", k, n).containsExactly(byteByByte(split, conf,
            range.begin(), range.end()));
        if (!range.isEmpty()) {
          assertThat(got).as("part %d/%d", k, n).isNotEmpty();
          firsts.add(got[0]);
        }
      }
    }
    // host-c holds only the file it shares with host-a: equal scores, ordered by name
    assertThat(firsts).as("the parts' first choices").containsExactlyInAnyOrder("host-a",
        "host-b");
    SplitFile last = split.files().get(2);
    assertThat(hosts.hosts(last.start(), last.end())).containsExactly("host-a", "host-c");
    SplitFile first = split.files().get(0);
    assertThat(hosts.hosts(first.start(), split.files().get(1).end()))
        .as("files 0 and 1: more bytes on host-b").containsExactly("host-b", "host-a");
  }

  @Test
  void localFilesHaveNoHosts() throws IOException {
    Configuration conf = new Configuration();
    RecordIOSplit split = RecordIOSplit.open(localDir.toUri().toString(), conf);
    PartHosts hosts = PartHosts.of(split, conf);
    for (int k = 0; k < 3; k++) {
      assertThat(hosts.hosts(split, k, 3)).isEmpty();
    }
  }

  /** Each byte of {@code [begin, end)} scores every host of its block; the best three. */
  private static String[] byteByByte(RecordIOSplit split, Configuration conf, long begin,
      long end) throws IOException {
    Map<String, Long> score = new HashMap<>();
    for (SplitFile f : split.files()) {
      FileSystem fs = f.path().getFileSystem(conf);
      BlockLocation[] blocks = fs.getFileBlockLocations(f.path(), 0, f.size());
      for (long g = Math.max(begin, f.start()); g < Math.min(end, f.end()); g++) {
        long offset = g - f.start();
        for (BlockLocation b : blocks) {
          if (b.getOffset() <= offset && offset < b.getOffset() + b.getLength()) {
            for (String h : b.getHosts()) {
              score.merge(h, 1L, Long::sum);
            }
          }
        }
      }
    }
    return score.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(3).map(Map.Entry::getKey).toArray(String[]::new);
  }
}
