package org.kindling.spark.recordio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * The options of {@code format("recordio")}, read case-insensitively as Spark passes them.
 *
 * <ul>
 *   <li>{@code path} / {@code paths}: what {@code load(...)} and {@code save(...)} were given; each
 *       entry may itself be a {@code ;} list, a directory or a regular expression on the last path
 *       component, as {@link org.kindling.io.split.RecordIOSplit#open} takes them.
 *   <li>{@code header} = {@code true} (default; image records) | {@code false} (raw records).
 *   <li>{@code numPartitions}: the number of input partitions (parts); by default {@code
 *       ceil(total bytes / spark.sql.files.maxPartitionBytes)}.
 *   <li>{@code recursive} = {@code false} (default) | {@code true}: expand directories recursively.
 *   <li>any other option is set in the Hadoop configuration used to reach the files (for example
 *       {@code fs.s3a.endpoint}), as Spark's file sources do.
 * </ul>
 *
 * @param uri the {@code ;}-joined input or output location
 * @param header whether records carry MXNet's image-record header
 * @param numPartitions the requested number of partitions, or 0 for the size-based default
 * @param recursive whether directories are expanded recursively
 * @param hadoopOptions the options passed on to the Hadoop configuration
 */
public record RecordIOOptions(String uri, boolean header, int numPartitions, boolean recursive,
    Map<String, String> hadoopOptions) implements Serializable {

  private static final String PATH = "path";
  private static final String PATHS = "paths";
  private static final String HEADER = "header";
  private static final String NUM_PARTITIONS = "numpartitions";
  private static final String RECURSIVE = "recursive";

  public RecordIOOptions {
    hadoopOptions = Map.copyOf(hadoopOptions);
  }

  /**
   * Parses Spark's option map.
   *
   * @throws IllegalArgumentException naming the option if a value is invalid or no path is given
   */
  public static RecordIOOptions parse(Map<String, String> options) {
    Map<String, String> lower = new TreeMap<>();
    options.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    String uri = joinPaths(lower.get(PATH), lower.get(PATHS));
    boolean header = bool(lower, HEADER, true);
    boolean recursive = bool(lower, RECURSIVE, false);
    int parts = 0;
    String n = lower.get(NUM_PARTITIONS);
    if (n != null) {
      try {
        parts = Integer.parseInt(n.strip());
      } catch (NumberFormatException e) {
        parts = -1;
      }
      if (parts < 1) {
        throw new IllegalArgumentException("option numPartitions='" + n
            + "' must be a positive integer (or left out to size partitions by "
            + "spark.sql.files.maxPartitionBytes)");
      }
    }
    Map<String, String> hadoop = new TreeMap<>();
    options.forEach((k, v) -> {
      String key = k.toLowerCase(Locale.ROOT);
      if (!key.equals(PATH) && !key.equals(PATHS) && !key.equals(HEADER)
          && !key.equals(NUM_PARTITIONS) && !key.equals(RECURSIVE)) {
        hadoop.put(k, v);
      }
    });
    return new RecordIOOptions(uri, header, parts, recursive, hadoop);
  }

  private static boolean bool(Map<String, String> options, String key, boolean dflt) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(
          "option " + key + "='" + v + "' must be true or false");
    };
  }

  /** Spark passes one path as {@code path} and several as a JSON array in {@code paths}. */
  private static String joinPaths(String path, String pathsJson) {
    StringBuilder uri = new StringBuilder();
    if (path != null && !path.isBlank()) {
      uri.append(path);
    }
    if (pathsJson != null && !pathsJson.isBlank()) {
      String[] paths;
      try {
        paths = new ObjectMapper().readValue(pathsJson, String[].class);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("option paths='" + pathsJson
            + "' is not a JSON array of strings", e);
      }
      for (String p : paths) {
        if (uri.length() > 0) {
          uri.append(';');
        }
        uri.append(p);
      }
    }
    if (uri.length() == 0) {
      throw new IllegalArgumentException("format(\"recordio\") needs a path: call load(path) or "
          + "save(path), or set option path");
    }
    return uri.toString();
  }

  /** {@code base} with this source's Hadoop options set (a new configuration). */
  public Configuration hadoopConf(Configuration base) {
    Configuration conf = new Configuration(base);
    hadoopOptions.forEach(conf::set);
    return conf;
  }
}
