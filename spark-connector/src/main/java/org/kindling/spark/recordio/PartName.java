package org.kindling.spark.recordio;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a part a write job writes: {@code part-NNNNN-<job id>}, then {@code .rec} or
 * {@code .idx}, as Spark's own file sources name theirs ({@code FileFormatWriter}). The number
 * orders the parts (a reader lists a directory sorted by name); the job's id, a random UUID,
 * keeps two jobs appending into one directory at once apart, as both number their parts after
 * the ones visible when they start. Directories written before the id was added hold {@code
 * part-NNNNN.rec}: {@link #parse} reads those too, with no id.
 *
 * @param number the part's number, from 0
 * @param jobId the writing job's id; null for a part of the old naming
 */
record PartName(int number, String jobId) {
  private static final Pattern NAME = Pattern.compile(
      "part-(\\d{1,9})(?:-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))?"
          + "\\.(?:rec|idx)");

  /** The name without its extension, {@code part-%05d-<job id>}. */
  String base() {
    return jobId == null ? String.format("part-%05d", number)
        : String.format("part-%05d-%s", number, jobId);
  }

  /** The part a {@code .rec} or {@code .idx} file name names, or null for any other name. */
  static PartName parse(String fileName) {
    Matcher m = NAME.matcher(fileName);
    return m.matches() ? new PartName(Integer.parseInt(m.group(1)), m.group(2)) : null;
  }
}
