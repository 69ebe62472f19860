package org.kindling.io.split;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.Path;
import org.kindling.io.HadoopFiles;
import org.kindling.io.source.ByteStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts that hold most of a part's bytes, for a scheduler that prefers to run a part's task
 * where its data is (Spark's {@code InputPartition.preferredLocations}). Computed on the driver,
 * once per split: one block-location request per file ({@code FileSystem.getFileBlockLocations},
 * a NameNode RPC on HDFS), for at most {@link #MAX_FILES} files; a split of more files, and every
 * store without locality (native {@code s3://}; s3a and local files, whose file systems report
 * only {@code localhost}), gives no hosts. As Spark's {@code FilePartition} does, a host scores the
 * bytes of the part's range that lie in the blocks it holds a replica of, {@code localhost} is
 * left out, and the best {@link #MAX_HOSTS} are kept, most bytes first (equal scores by name, so
 * the answer is deterministic). A hint only: a file whose locations cannot be read has none.
 */
public final class PartHosts {
  /** Hosts kept per part, as Spark's {@code FilePartition}. */
  public static final int MAX_HOSTS = 3;
  /** Files whose block locations are asked for at most (one request each, on the driver). */
  public static final int MAX_FILES = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(PartHosts.class);
  private static final String[] NONE = new String[0];

  private final List<SplitFile> files;
  /** Per file, its blocks (file offsets and hosts); empty where there is no locality. */
  private final List<BlockLocation[]> blocks;

  private PartHosts(List<SplitFile> files, List<BlockLocation[]> blocks) {
    this.files = files;
    this.blocks = blocks;
  }

  /** Reads the block locations of {@code split}'s files (see the class comment for the cost). */
  public static PartHosts of(RecordIOSplit split, Configuration conf) {
    List<SplitFile> files = split.files();
    List<BlockLocation[]> blocks = new ArrayList<>(files.size());
    boolean ask = files.size() <= MAX_FILES;
    if (!ask) {
      LOG.info("{}: {} files, more than {}: no locality preferences (one request per file)",
          split.uri(), files.size(), MAX_FILES);
    }
    for (SplitFile f : files) {
      blocks.add(ask ? locations(f.path(), f.size(), conf) : new BlockLocation[0]);
    }
    return new PartHosts(files, blocks);
  }

  private static BlockLocation[] locations(Path file, long size, Configuration conf) {
    if (ByteStores.isNativeS3(file, conf)) {
      return new BlockLocation[0];
    }
    try {
      return HadoopFiles.fileSystem(file, conf).getFileBlockLocations(file, 0, size);
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: no block locations ({}); its parts get no locality preference", file,
          e.toString());
      return new BlockLocation[0];
    }
  }

  /** The hosts of part {@code part} of {@code numParts} (its raw byte range), best first. */
  public String[] hosts(RecordIOSplit split, int part, int numParts) {
    PartRange range = split.rawRange(part, numParts);
    return hosts(range.begin(), range.end());
  }

  /**
   * The at most {@link #MAX_HOSTS} hosts holding the most bytes of the global byte range {@code
   * [begin, end)}, most first; none if no block of the range has a host other than localhost.
   */
  public String[] hosts(long begin, long end) {
    Map<String, Long> bytes = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      SplitFile f = files.get(i);
      long from = Math.max(begin, f.start()) - f.start();
      long to = Math.min(end, f.end()) - f.start();
      if (from >= to) {
        continue;
      }
      for (BlockLocation b : blocks.get(i)) {
        long overlap = Math.min(to, b.getOffset() + b.getLength()) - Math.max(from,
            b.getOffset());
        if (overlap <= 0) {
          continue;
        }
        String[] hosts;
        try {
          hosts = b.getHosts();
        } catch (IOException e) {
          continue;
        }
        for (String h : hosts) {
          if (!"localhost".equals(h)) {
            bytes.merge(h, overlap, Long::sum);
          }
        }
      }
    }
    if (bytes.isEmpty()) {
      return NONE;
    }
    return bytes.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(MAX_HOSTS).map(Map.Entry::getKey).toArray(String[]::new);
  }
}
