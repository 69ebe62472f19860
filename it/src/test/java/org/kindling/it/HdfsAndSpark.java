package org.kindling.it;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.kindling.io.pack.IdxImagePacker;

/**
 * A real in-process HDFS (one data node, on 127.0.0.1) next to a {@code local[2]} Spark session
 * bound to 127.0.0.1: what the HDFS integration tests train and score on.
 */
final class HdfsAndSpark implements AutoCloseable {
  private final MiniDFSCluster hdfs;
  private final SparkSession spark;
  private final String root;

  private HdfsAndSpark(MiniDFSCluster hdfs, SparkSession spark) {
    this.hdfs = hdfs;
    this.spark = spark;
    this.root = "hdfs://localhost:" + hdfs.getNameNodePort() + "/kindling";
  }

  /** Starts both, with the cluster's storage under {@code work/dfs}. */
  static HdfsAndSpark start(Path work, String appName) throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      hdfs.waitActive();
      SparkSession spark = SparkSession.builder().master("local[2]").appName(appName)
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false").getOrCreate();
      return new HdfsAndSpark(hdfs, spark);
    } catch (IOException | RuntimeException e) {
      hdfs.shutdown();
      throw e;
    }
  }

  /** {@code hdfs://localhost:PORT/kindling}, the tests' working directory on HDFS. */
  String root() {
    return root;
  }

  SparkSession spark() {
    return spark;
  }

  MiniDFSCluster hdfs() {
    return hdfs;
  }

  /** Spark's Hadoop configuration, which reaches the cluster. */
  Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  /**
   * Packs the first {@code n} images of a Fashion-MNIST split ({@code train} or {@code t10k}) to
   * {@code ROOT/data/NAME.rec} + {@code .idx}, staging the IDX files under {@code work}.
   *
   * @return the {@code .rec} file's URI
   */
  String packFashion(Path work, String split, int n, String name) throws IOException {
    Path images = work.resolve(name + "-images.idx");
    Path labels = work.resolve(name + "-labels.idx");
    FashionSubset.write(split, n, images, labels);
    IdxImagePacker.Result r = IdxImagePacker.pack(new org.apache.hadoop.fs.Path(images.toUri()),
        new org.apache.hadoop.fs.Path(labels.toUri()),
        new org.apache.hadoop.fs.Path(root + "/data/" + name), conf());
    if (r.records() != n) {
      throw new IllegalStateException("packed " + r.records() + " records of " + split
          + ", wanted " + n);
    }
    return root + "/data/" + name + ".rec";
  }

  /** The cluster's file system. */
  FileSystem fs() throws IOException {
    return new org.apache.hadoop.fs.Path(root).getFileSystem(conf());
  }

  @Override
  public void close() {
    try {
      spark.stop();
    } finally {
      hdfs.shutdown();
    }
  }
}
