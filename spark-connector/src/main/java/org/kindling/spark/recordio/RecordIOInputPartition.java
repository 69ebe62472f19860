package org.kindling.spark.recordio;

import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Part {@code part} of {@code numParts} of the files the driver resolved. The executor reopens
 * exactly these files (no directory listing or pattern matching on executors) and checks that
 * their total size is still {@code totalBytes}, so every task divides the same byte space. The
 * hosts that hold most of the part's bytes (HDFS; {@link org.kindling.io.split.PartHosts}) are
 * the scheduler's preferred locations.
 *
 * @param files the resolved, qualified file paths joined by {@code ;}
 * @param totalBytes their total size when the scan was planned
 * @param part the part index
 * @param numParts the number of parts
 * @param hosts at most three hosts holding most of the part's bytes, best first; empty on
 *     stores without locality (S3, local files)
 */
record RecordIOInputPartition(String files, long totalBytes, int part, int numParts,
    String[] hosts) implements InputPartition {

  RecordIOInputPartition {
    hosts = hosts.clone();
  }

  @Override
  public String[] preferredLocations() {
    return hosts.clone();
  }

  @Override
  public String[] hosts() {
    return hosts.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordIOInputPartition p && files.equals(p.files)
        && totalBytes == p.totalBytes && part == p.part && numParts == p.numParts
        && Arrays.equals(hosts, p.hosts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(files, totalBytes, part, numParts, Arrays.hashCode(hosts));
  }

  @Override
  public String toString() {
    return "RecordIOInputPartition[part " + part + "/" + numParts + " of " + files + " ("
        + totalBytes + " bytes), hosts " + Arrays.toString(hosts) + "]";
  }
}
