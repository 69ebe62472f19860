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
 *   <li>{@code dropInvalid} = {@code false} (default) | {@code true}, {@code format("mxnet-image")}
 *       only: leave out records whose image does not decode (each is logged with its file and
 *       offset) instead of failing the query with that file and offset.
 *   <li>any other option is set in the Hadoop configuration used to reach the files (for example
 *       {@code fs.s3a.endpoint}), as Spark's file sources do.
 * </ul>
 *
 * @param uri the {@code ;}-joined input or output location
 * @param header whether records carry MXNet's image-record header
 * @param numPartitions the requested number of partitions, or 0 for the size-based default
 * @param recursive whether directories are expanded recursively
 * @param images whether records are decoded into Spark's image schema ({@code mxnet-image})
 * @param dropInvalid whether records that do not decode are left out ({@code mxnet-image})
 * @param hadoopOptions the options passed on to the Hadoop configuration
 */
public record RecordIOOptions(String uri, boolean header, int numPartitions, boolean recursive,
    boolean images, boolean dropInvalid, Map<String, String> hadoopOptions)
    implements Serializable {

  private static final String PATH = "path";
  private static final String PATHS = "paths";
  private static final String HEADER = "header";
  private static final String NUM_PARTITIONS = "numpartitions";
  private static final String RECURSIVE = "recursive";
  private static final String DROP_INVALID = "dropinvalid";
  private static final java.util.Set<String> OWN =
      java.util.Set.of(PATH, PATHS, HEADER, NUM_PARTITIONS, RECURSIVE, DROP_INVALID);

  public RecordIOOptions {
    hadoopOptions = Map.copyOf(hadoopOptions);
  }

  /**
   * Parses Spark's option map for {@code format("recordio")}.
   *
   * @throws IllegalArgumentException naming the option if a value is invalid or no path is given
   */
  public static RecordIOOptions parse(Map<String, String> options) {
    return parse(options, false);
  }

  /**
   * Parses Spark's option map for {@code format("recordio")} or, with {@code images}, {@code
   * format("mxnet-image")} (image records only: {@code header=false} is refused).
   *
   * @throws IllegalArgumentException naming the option if a value is invalid or no path is given
   */
  public static RecordIOOptions parse(Map<String, String> options, boolean images) {
    Map<String, String> lower = new TreeMap<>();
    options.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    String uri = joinPaths(lower.get(PATH), lower.get(PATHS));
    boolean header = bool(lower, HEADER, true);
    boolean dropInvalid = bool(lower, DROP_INVALID, false);
    if (images && !header) {
      throw new IllegalArgumentException("format(\"mxnet-image\") reads image records (with"
          + " MXNet's header); option header=false is for format(\"recordio\")");
    }
    if (!images && lower.containsKey(DROP_INVALID)) {
      throw new IllegalArgumentException("option dropInvalid belongs to format(\"mxnet-image\"),"
          + " which decodes images; format(\"recordio\") does not decode");
    }
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
      if (!OWN.contains(key)) {
        hadoop.put(k, v);
      }
    });
    return new RecordIOOptions(uri, header, parts, recursive, images, dropInvalid, hadoop);
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
      throw new IllegalArgumentException("a RecordIO source needs a path: call load(path) or "
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
