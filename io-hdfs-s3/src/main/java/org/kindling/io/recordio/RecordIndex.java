package org.kindling.io.recordio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kindling.tensor.FormatException;

/**
 * The contents of a {@code .idx} file ({@code formats.md} §1.6): one {@code <key>\t<offset>\n}
 * line per record, the offset being that of the record's first part. Keys are strings (MXNet's
 * {@code key_type=str}; integer keys are their decimal text) kept in file order; a key that
 * appears twice maps to its last offset, as Python's dict does.
 */
public final class RecordIndex {
  /**
   * One index line.
   *
   * @param key the key as written ({@code str(key)})
   * @param offset byte offset of the record's first part
   */
  public record Entry(String key, long offset) {}

  private final List<Entry> entries;
  private final Map<String, Long> offsets;

  private RecordIndex(List<Entry> entries) {
    this.entries = Collections.unmodifiableList(entries);
    this.offsets = new HashMap<>();
    for (Entry e : entries) {
      offsets.put(e.key(), e.offset());
    }
  }

  /** An index holding the given entries, in that order. */
  public static RecordIndex of(List<Entry> entries) {
    return new RecordIndex(new ArrayList<>(entries));
  }

  /**
   * Parses an index. Each non-blank line is split on tabs; the first field is the key (surrounding
   * whitespace stripped, as Python does) and the second a non-negative decimal offset. Blank lines
   * are skipped.
   *
   * @param in the {@code .idx} bytes (UTF-8); not closed
   * @param name the file name for error messages
   * @throws FormatException naming the line number and its byte offset for a malformed line
   */
  public static RecordIndex read(InputStream in, String name) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    List<Entry> entries = new ArrayList<>();
    long lineStart = 0;
    int lineNo = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      long thisLine = lineStart;
      // readLine drops the terminator; the idx format uses "\n", so count one byte for it.
      lineStart += line.getBytes(StandardCharsets.UTF_8).length + 1;
      String stripped = line.strip();
      if (stripped.isEmpty()) {
        continue;
      }
      String[] fields = stripped.split("\t", -1);
      if (fields.length < 2) {
        throw new FormatException(name, thisLine, "line " + lineNo
            + ": expected '<key>\\t<offset>', found '" + abbreviate(line) + "'");
      }
      String key = fields[0].strip();
      long offset;
      try {
        offset = Long.parseLong(fields[1].strip());
      } catch (NumberFormatException e) {
        throw new FormatException(name, thisLine, "line " + lineNo + ": offset '"
            + abbreviate(fields[1]) + "' is not a decimal integer");
      }
      if (offset < 0) {
        throw new FormatException(name, thisLine, "line " + lineNo + ": negative offset "
            + offset);
      }
      entries.add(new Entry(key, offset));
    }
    return new RecordIndex(entries);
  }

  /** The entries in file order. */
  public List<Entry> entries() {
    return entries;
  }

  /** The keys in file order (duplicates included). */
  public List<String> keys() {
    List<String> keys = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      keys.add(e.key());
    }
    return keys;
  }

  /** Number of lines. */
  public int size() {
    return entries.size();
  }

  /**
   * The offset stored for {@code key} (the last one if repeated).
   *
   * @throws IllegalArgumentException if the key is absent
   */
  public long offsetOf(String key) {
    Long offset = offsets.get(key);
    if (offset == null) {
      throw new IllegalArgumentException("key '" + key + "' is not in the index");
    }
    return offset;
  }

  /** True if the key is present. */
  public boolean containsKey(String key) {
    return offsets.containsKey(key);
  }

  /** Appends the line {@code key\toffset\n}. */
  public static void appendLine(Appendable out, String key, long offset) throws IOException {
    checkKey(key);
    out.append(key).append('\t').append(Long.toString(offset)).append('\n');
  }

  /** Writes all entries, one line each. */
  public void writeTo(Appendable out) throws IOException {
    for (Entry e : entries) {
      appendLine(out, e.key(), e.offset());
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    try {
      writeTo(sb);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }

  static void checkKey(String key) {
    if (key.isEmpty() || !key.strip().equals(key) || key.indexOf('\t') >= 0
        || key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("index key '" + key
          + "' must be non-empty, without tabs, line breaks or surrounding whitespace");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
