package org.kindling.io.split;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.kindling.io.HadoopFiles;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.tensor.FormatException;

/**
 * One or more RecordIO files, read through Hadoop {@code FileSystem}, laid end to end in a global
 * byte space and divided into parts exactly as dmlc's {@code InputSplit} ({@code formats.md}
 * §1.4).
 *
 * <p>URI rules: several entries separated by {@code ;}; a directory expands to its files (sorted
 * by name; names starting with {@code .} or {@code _}, such as Hadoop's {@code .crc} and {@code
 * _SUCCESS} side files, are skipped, and so are {@code *.idx} index files, which MXNet keeps
 * next to their {@code .rec}; subdirectories are included only when {@code recursive}); a
 * last path component that names nothing is a regular expression matched against the names in
 * its parent directory. Empty files are dropped and every other file's size must be a multiple of
 * 4. A path without a scheme resolves against the configuration's {@code fs.defaultFS}, as
 * everywhere in Hadoop.
 *
 * <p>Part {@code k} of {@code N}: {@code nstep = round_up(ceil(S/N), 4)}, raw range {@code
 * [min(k*nstep, S), min((k+1)*nstep, S))}; each end that is not a file start moves forward to the
 * next record head in its file (or that file's end). Every record is in exactly one part. The
 * object is immutable and may be shared between threads; each {@link #openPart} reader is not.
 */
public final class RecordIOSplit {
  /** Default read chunk of a part reader: 8 MiB, as dmlc's 2·2^20-word buffer. */
  public static final int DEFAULT_CHUNK_BYTES = 8 << 20;

  /** Buffer for the resync scan, which usually finds a head within a few records. */
  private static final int RESYNC_BUFFER_BYTES = 1 << 16;

  private final String uri;
  private final List<SplitFile> files;
  private final long totalBytes;
  private final Configuration conf;

  private RecordIOSplit(String uri, List<SplitFile> files, Configuration conf) {
    this.uri = uri;
    this.files = List.copyOf(files);
    this.totalBytes = files.isEmpty() ? 0 : files.get(files.size() - 1).end();
    this.conf = conf;
  }

  /** Resolves {@code uri} (non-recursive directory expansion). */
  public static RecordIOSplit open(String uri, Configuration conf) throws IOException {
    return open(uri, conf, false);
  }

  /**
   * Resolves {@code uri} into its list of files.
   *
   * @param uri one or more paths or URIs ({@code file://}, {@code hdfs://}, ...) separated by
   *     {@code ;}
   * @param conf Hadoop configuration used to reach the file systems
   * @param recursive whether directories are expanded recursively
   * @throws FileNotFoundException if an entry names nothing and matches nothing
   * @throws FormatException if a file's size is not a multiple of 4
   */
  public static RecordIOSplit open(String uri, Configuration conf, boolean recursive)
      throws IOException {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(conf, "conf");
    List<FileStatus> statuses = new ArrayList<>();
    for (String entry : uri.split(";")) {
      String trimmed = entry.strip();
      if (!trimmed.isEmpty()) {
        expand(new Path(trimmed), conf, recursive, statuses);
      }
    }
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("no input path in URI '" + uri + "'");
    }
    List<SplitFile> files = new ArrayList<>();
    long offset = 0;
    for (FileStatus s : statuses) {
      if (s.getLen() == 0) {
        continue;
      }
      if (s.getLen() % 4 != 0) {
        throw new FormatException(s.getPath().toString(), s.getLen(), "file size " + s.getLen()
            + " is not a multiple of 4, so this is not a RecordIO file (or it is truncated)");
      }
      files.add(new SplitFile(s.getPath(), offset, s.getLen()));
      offset += s.getLen();
    }
    return new RecordIOSplit(uri, files, new Configuration(conf));
  }

  private static void expand(Path path, Configuration conf, boolean recursive,
      List<FileStatus> out) throws IOException {
    FileSystem fs = HadoopFiles.fileSystem(path, conf);
    if (fs.exists(path)) {
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        listDirectory(fs, status.getPath(), recursive, out);
      } else {
        out.add(status);
      }
      return;
    }
    Path parent = path.getParent();
    if (parent == null || !fs.exists(parent) || !fs.getFileStatus(parent).isDirectory()) {
      throw new FileNotFoundException("RecordIO input " + path + " does not exist");
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(path.getName());
    } catch (PatternSyntaxException e) {
      throw new FileNotFoundException("RecordIO input " + path
          + " does not exist (and its name is not a valid regular expression)");
    }
    List<FileStatus> matches = new ArrayList<>();
    for (FileStatus s : sortedListing(fs, parent)) {
      if (s.isFile() && pattern.matcher(s.getPath().getName()).matches()) {
        matches.add(s);
      }
    }
    if (matches.isEmpty()) {
      throw new FileNotFoundException("RecordIO input " + path
          + " does not exist and, read as a regular expression, matches no file in " + parent);
    }
    out.addAll(matches);
  }

  private static void listDirectory(FileSystem fs, Path dir, boolean recursive,
      List<FileStatus> out) throws IOException {
    for (FileStatus s : sortedListing(fs, dir)) {
      String name = s.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_") || name.endsWith(".idx")) {
        continue;
      }
      if (s.isFile()) {
        out.add(s);
      } else if (recursive && s.isDirectory()) {
        listDirectory(fs, s.getPath(), true, out);
      }
    }
  }

  private static List<FileStatus> sortedListing(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> list = new ArrayList<>(List.of(fs.listStatus(dir)));
    list.sort(Comparator.comparing(s -> s.getPath().getName()));
    return list;
  }

  /** The URI this split was opened with. */
  public String uri() {
    return uri;
  }

  /** The non-empty files in global order. */
  public List<SplitFile> files() {
    return files;
  }

  /** Total bytes S of all files. */
  public long totalBytes() {
    return totalBytes;
  }

  /** The raw range of part {@code part} of {@code numParts}, before moving ends to record heads. */
  public PartRange rawRange(int part, int numParts) {
    checkPart(part, numParts);
    long nstep = (totalBytes + numParts - 1) / numParts;
    nstep = (nstep + 3) & ~3L;
    long begin = Math.min(nstep * part, totalBytes);
    long end = Math.min(nstep * (part + 1), totalBytes);
    return new PartRange(part, numParts, begin, end);
  }

  /**
   * The range of part {@code part} of {@code numParts} with both ends moved forward to record
   * heads (reads a little of the files around each boundary).
   *
   * @throws FormatException if a file ends right after a magic word during the resync scan
   */
  public PartRange partRange(int part, int numParts) throws IOException {
    PartRange raw = rawRange(part, numParts);
    if (raw.isEmpty()) {
      return raw;
    }
    long end = resync(raw.end());
    long begin = resync(raw.begin());
    return new PartRange(part, numParts, begin, end);
  }

  /** Opens a reader over part {@code part} of {@code numParts} with 8 MiB read chunks. */
  public RecordIOPartReader openPart(int part, int numParts) throws IOException {
    return openPart(part, numParts, DEFAULT_CHUNK_BYTES);
  }

  /**
   * Opens a reader over part {@code part} of {@code numParts}.
   *
   * @param chunkBytes read-buffer size per file (at least 64); smaller files get smaller buffers
   */
  public RecordIOPartReader openPart(int part, int numParts, int chunkBytes) throws IOException {
    if (chunkBytes < 64) {
      throw new IllegalArgumentException("chunk size " + chunkBytes + " must be at least 64");
    }
    return new RecordIOPartReader(this, partRange(part, numParts), chunkBytes);
  }

  /** The Hadoop configuration used to open files. */
  Configuration conf() {
    return conf;
  }

  /**
   * Moves global offset {@code g} forward to the next record head inside its file, unless it is a
   * file start (or the end of everything).
   */
  private long resync(long g) throws IOException {
    SplitFile file = fileContaining(g);
    if (file == null || file.start() == g) {
      return g;
    }
    FileSystem fs = HadoopFiles.fileSystem(file.path(), conf);
    int buffer = (int) Math.max(64, Math.min(RESYNC_BUFFER_BYTES, file.size()));
    try (RecordIOReader reader =
        new RecordIOReader(fs.open(file.path()), file.path().toString(), file.size(), buffer)) {
      reader.seek(g - file.start());
      return file.start() + reader.seekToNextHead();
    }
  }

  /** The file whose byte range holds {@code g}, or null if {@code g == S}. */
  SplitFile fileContaining(long g) {
    int lo = 0;
    int hi = files.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      SplitFile f = files.get(mid);
      if (g < f.start()) {
        hi = mid - 1;
      } else if (g >= f.end()) {
        lo = mid + 1;
      } else {
        return f;
      }
    }
    return null;
  }

  private static void checkPart(int part, int numParts) {
    if (numParts < 1 || part < 0 || part >= numParts) {
      throw new IllegalArgumentException(
          "part " + part + " of " + numParts + ": need numParts >= 1 and 0 <= part < numParts");
    }
  }

  @Override
  public String toString() {
    return "RecordIOSplit[" + uri + ", " + files.size() + " files, " + totalBytes + " bytes]";
  }
}
