package org.kindling.io.pack;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.source.ByteStores;
import org.kindling.tensor.FormatException;

/**
 * Streams the entries of an im2rec {@code .lst} file ({@code formats.md} §2): {@code index \t
 * label_1 [\t label_2 ...] \t relative_path} per line, fields stripped of whitespace. Lines with
 * fewer than 3 fields are skipped, as im2rec does; a line whose index or labels do not parse is an
 * error naming the line (im2rec only prints a warning and drops it, which silently loses data).
 */
final class ListFile implements Closeable {
  /** One line: the index, its labels (at least one) and the path relative to the root. */
  record Entry(long index, float[] labels, String path) {}

  private final String name;
  private final BufferedReader reader;
  private long lineStart;
  private int lineNo;

  private ListFile(String name, BufferedReader reader) {
    this.name = name;
    this.reader = reader;
  }

  /** Opens {@code path} on its store ({@code s3://} included, as every reader of data sets). */
  static ListFile open(Path path, Configuration conf) throws IOException {
    var in = ByteStores.openSequential(path, conf);
    return new ListFile(path.toString(),
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
  }

  /** The next entry, or null at the end of the file. */
  Entry next() throws IOException {
    String line;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      long at = lineStart;
      lineStart += line.getBytes(StandardCharsets.UTF_8).length + 1;
      String[] fields = line.strip().split("\t", -1);
      if (fields.length < 3) {
        continue;
      }
      long index;
      try {
        index = Long.parseLong(fields[0].strip());
      } catch (NumberFormatException e) {
        throw new FormatException(name, at, "line " + lineNo + ": index '" + fields[0].strip()
            + "' is not an integer");
      }
      if (index < 0) {
        throw new FormatException(name, at, "line " + lineNo + ": negative index " + index
            + " (the image id is an unsigned integer)");
      }
      float[] labels = new float[fields.length - 2];
      for (int i = 0; i < labels.length; i++) {
        String f = fields[i + 1].strip();
        try {
          labels[i] = Float.parseFloat(f);
        } catch (NumberFormatException e) {
          throw new FormatException(name, at, "line " + lineNo + ": label " + (i + 1) + " '" + f
              + "' is not a number");
        }
      }
      String rel = fields[fields.length - 1].strip();
      if (rel.isEmpty()) {
        throw new FormatException(name, at, "line " + lineNo + ": empty image path");
      }
      return new Entry(index, labels, rel);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
