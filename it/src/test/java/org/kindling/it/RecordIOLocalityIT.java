package org.kindling.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.Partition;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.junit.jupiter.api.Test;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.split.PartHosts;
import org.kindling.io.split.RecordIOSplit;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code format("recordio")} over an HDFS of two datanodes with distinct host names (host-a,
 * host-b), each file on one of them: every input partition Spark schedules prefers the hosts
 * holding most of its bytes, as {@link PartHosts} computes them on the planning driver; the
 * parts over host-a's file prefer host-a, those over host-b's host-b; the same data from local
 * files prefers nothing, and every record is read either way.
 */
class RecordIOLocalityIT {

  @Test
  void partitionsPreferTheDatanodesHoldingTheirBytes() throws Exception {
    Path work = TestDirs.fresh(Path.of("target", "recordio-locality-it"));
    Configuration dfs = new Configuration();
    dfs.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
    dfs.setLong("dfs.namenode.fs-limits.min-block-size", 512);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(dfs).numDataNodes(2)
        .hosts(new String[] {"host-a", "host-b"}).build();
    SparkSession spark = null;
    try {
      hdfs.waitActive();
      DistributedFileSystem fs = hdfs.getFileSystem();
      Random random = new Random(5);
      java.nio.file.Files.createDirectories(work.resolve("local"));
      for (int f = 0; f < 2; f++) {
        byte[] bytes = records(random, 300);
        InetSocketAddress favored = hdfs.getDataNodes().get(f).getXferAddress();
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path("/data/part-" + f
            + ".rec"), FsPermission.getFileDefault(), true, 4096, (short) 1, 16 << 10, null,
            new InetSocketAddress[] {favored})) {
          out.write(bytes);
        }
        java.nio.file.Files.write(work.resolve("local").resolve("part-" + f + ".rec"), bytes);
      }
      String dir = fs.getUri() + "/data";
      spark = SparkSession.builder().master("local[2]").appName("RecordIOLocalityIT")
          .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress",
              "127.0.0.1")
          .config("spark.ui.enabled", "false")
          // no executor runs on host-a or host-b: do not wait for one
          .config("spark.locality.wait", "0").getOrCreate();
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      conf.set("fs.defaultFS", fs.getUri().toString());

      Dataset<Row> frame = spark.read().format("recordio").option("header", "false")
          .option("numPartitions", 6).load(dir);
      List<List<String>> preferred = preferredHosts(frame);
      RecordIOSplit split = RecordIOSplit.open(dir, conf);
      PartHosts expected = PartHosts.of(split, conf);
      assertThat(preferred).hasSize(6);
      for (int k = 0; k < 6; k++) {
        assertThat(preferred.get(k)).as("partition %d", k)
            .containsExactly(expected.hosts(split, k, 6)).isNotEmpty();
      }
      String first = fs.getFileBlockLocations(new org.apache.hadoop.fs.Path("/data/part-0.rec"),
          0, 1)[0].getHosts()[0];
      String second = first.equals("host-a") ? "host-b" : "host-a";
      assertThat(preferred.get(0).get(0)).as("the first part: the first file's").isEqualTo(first);
      assertThat(preferred.get(5).get(0)).as("the last part: the second file's")
          .isEqualTo(second);
      assertThat(frame.count()).isEqualTo(600);

      Dataset<Row> local = spark.read().format("recordio").option("header", "false")
          .option("numPartitions", 6).load(work.resolve("local").toUri().toString());
      assertThat(preferredHosts(local)).hasSize(6).allSatisfy(h -> assertThat(h).isEmpty());
      assertThat(local.count()).isEqualTo(600);
    } finally {
      if (spark != null) {
        spark.stop();
      }
      hdfs.shutdown();
    }
  }

  /** Each input partition's preferred hosts, from the scan Spark planned for {@code frame}. */
  private static List<List<String>> preferredHosts(Dataset<Row> frame) {
    SparkPlan plan = frame.queryExecution().executedPlan();
    BatchScanExec scan = (BatchScanExec) plan.collectLeaves().head();
    RDD<InternalRow> rdd = scan.inputRDD();
    List<List<String>> out = new ArrayList<>();
    for (Partition p : rdd.partitions()) {
      out.add(CollectionConverters.asJava(rdd.preferredLocations(p)));
    }
    return out;
  }

  private static byte[] records(Random random, int n) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (RecordIOWriter w = new RecordIOWriter(bytes)) {
      for (int i = 0; i < n; i++) {
        byte[] payload = new byte[random.nextInt(50, 300)];
        random.nextBytes(payload);
        w.write(payload);
      }
    }
    return bytes.toByteArray();
  }
}
