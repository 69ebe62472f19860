package org.kindling.io.split;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.recordio.RecordIOReader;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.PrefetchingInputStream;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * One or more RecordIO files, read through their {@link ByteStore} (Hadoop {@code FileSystem} for
 * file, hdfs, s3a, ...; the native S3 client for {@code s3://}), laid end to end in a global byte
 * space and divided into parts exactly as dmlc's {@code InputSplit} ({@code formats.md}
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
  /** Read chunk of the resync scan, which usually finds a head within a few records. */
  private static final int RESYNC_CHUNK_BYTES = 1 << 16;

  private final String uri;
  private final List<SplitFile> files;
  private final long totalBytes;
  private final Configuration conf;
  /**
   * For each {@code .rec} found by listing its directory: the {@code .idx} next to it in that
   * listing, or empty if the listing had none. A file named directly is not here (unknown).
   */
  private final Map<Path, Optional<StoreEntry>> listedIndexes;

  private RecordIOSplit(String uri, List<SplitFile> files, Configuration conf,
      Map<Path, Optional<StoreEntry>> listedIndexes) {
    this.uri = uri;
    this.files = List.copyOf(files);
    this.totalBytes = files.isEmpty() ? 0 : files.get(files.size() - 1).end();
    this.conf = conf;
    this.listedIndexes = Map.copyOf(listedIndexes);
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
    List<StoreEntry> statuses = new ArrayList<>();
    Map<Path, Optional<StoreEntry>> indexes = new HashMap<>();
    for (String entry : uri.split(";")) {
      String trimmed = entry.strip();
      if (!trimmed.isEmpty()) {
        expand(new Path(trimmed), conf, recursive, statuses, indexes);
      }
    }
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("no input path in URI '" + uri + "'");
    }
    List<SplitFile> files = new ArrayList<>();
    long offset = 0;
    for (StoreEntry s : statuses) {
      if (s.size() == 0) {
        continue;
      }
      if (s.size() % 4 != 0) {
        throw new FormatException(s.path().toString(), s.size(), "file size " + s.size()
            + " is not a multiple of 4, so this is not a RecordIO file (or it is truncated)");
      }
      files.add(new SplitFile(s.path(), offset, s.size()));
      offset += s.size();
    }
    return new RecordIOSplit(uri, files, new Configuration(conf), indexes);
  }

  private static void expand(Path path, Configuration conf, boolean recursive,
      List<StoreEntry> out, Map<Path, Optional<StoreEntry>> indexes) throws IOException {
    ByteStore store = ByteStores.forPath(path, conf);
    Path qualified = store.qualify(path);
    StoreEntry entry = store.stat(qualified);
    if (entry != null) {
      if (entry.directory()) {
        listDirectory(store, entry.path(), recursive, out, indexes);
      } else {
        out.add(entry);
      }
      return;
    }
    Path parent = qualified.getParent();
    StoreEntry dir = parent == null ? null : store.stat(parent);
    if (dir == null || !dir.directory()) {
      throw new FileNotFoundException("RecordIO input " + qualified + " does not exist");
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(qualified.getName());
    } catch (PatternSyntaxException e) {
      throw new FileNotFoundException("RecordIO input " + qualified
          + " does not exist (and its name is not a valid regular expression)");
    }
    List<StoreEntry> matches = new ArrayList<>();
    List<StoreEntry> listing = sortedListing(store, parent);
    for (StoreEntry s : listing) {
      if (!s.directory() && pattern.matcher(s.path().getName()).matches()) {
        matches.add(s);
      }
    }
    noteIndexes(listing, matches, indexes);
    if (matches.isEmpty()) {
      throw new FileNotFoundException("RecordIO input " + qualified
          + " does not exist and, read as a regular expression, matches no file in " + parent);
    }
    out.addAll(matches);
  }

  private static void listDirectory(ByteStore store, Path dir, boolean recursive,
      List<StoreEntry> out, Map<Path, Optional<StoreEntry>> indexes) throws IOException {
    List<StoreEntry> listing = sortedListing(store, dir);
    List<StoreEntry> files = new ArrayList<>();
    for (StoreEntry s : listing) {
      String name = s.path().getName();
      if (name.startsWith(".") || name.startsWith("_") || name.endsWith(".idx")) {
        continue;
      }
      if (!s.directory()) {
        out.add(s);
        files.add(s);
      } else if (recursive) {
        listDirectory(store, s.path(), true, out, indexes);
      }
    }
    noteIndexes(listing, files, indexes);
  }

  /**
   * Notes, for each {@code .rec} of {@code files}, the {@code .idx} beside it in {@code listing}
   * (the listing of their directory) or that there is none, so that counting records asks the
   * store nothing more about indexes (on S3 a HEAD per file, and a LIST per missing one, saved).
   */
  private static void noteIndexes(List<StoreEntry> listing, List<StoreEntry> files,
      Map<Path, Optional<StoreEntry>> indexes) {
    Map<String, StoreEntry> byName = new HashMap<>();
    for (StoreEntry s : listing) {
      if (!s.directory() && s.path().getName().endsWith(".idx")) {
        byName.put(s.path().getName(), s);
      }
    }
    for (StoreEntry f : files) {
      Path idx = PartCounter.indexOf(f.path());
      if (idx != null) {
        indexes.put(f.path(), Optional.ofNullable(byName.get(idx.getName())));
      }
    }
  }

  /**
   * What the listing that found {@code rec} said of its {@code .idx}: the entry, or empty if it
   * had none; null if {@code rec} was not found by a listing (named directly), so the store must
   * be asked.
   */
  Optional<StoreEntry> listedIndex(Path rec) {
    return listedIndexes.get(rec);
  }

  private static List<StoreEntry> sortedListing(ByteStore store, Path dir) throws IOException {
    List<StoreEntry> list = new ArrayList<>(store.list(dir));
    list.sort(Comparator.comparing(s -> s.path().getName()));
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

  /**
   * Opens a reader over part {@code part} of {@code numParts}, reading each file through its
   * store with the configuration's {@link ReadOptions} (chunk size, reader threads, queue), the
   * chunk size being the store's own default unless one is configured ({@link
   * ReadOptions#forFile}).
   */
  public RecordIOPartReader openPart(int part, int numParts) throws IOException {
    return new RecordIOPartReader(this, partRange(part, numParts), this::readOptions);
  }

  /**
   * Opens a reader over part {@code part} of {@code numParts} as {@link #openPart(int, int)}
   * does, which skips broken framing into {@code skips} instead of failing (skipCorrupt; {@link
   * FramingSkips}); null fails as {@link #openPart(int, int)} does.
   */
  public RecordIOPartReader openPart(int part, int numParts, FramingSkips skips)
      throws IOException {
    return new RecordIOPartReader(this, partRange(part, numParts), this::readOptions, skips);
  }

  /**
   * Opens a reader over part {@code part} of {@code numParts} with ranged reads of {@code
   * chunkBytes} (the configuration's other {@link ReadOptions}).
   *
   * @param chunkBytes bytes per ranged read (at least 64)
   */
  public RecordIOPartReader openPart(int part, int numParts, int chunkBytes) throws IOException {
    if (chunkBytes < 64) {
      throw new IllegalArgumentException("chunk size " + chunkBytes + " must be at least 64");
    }
    return new RecordIOPartReader(this, partRange(part, numParts),
        file -> readOptions(file).withChunkBytes(chunkBytes));
  }

  /** The configuration the files are reached with. */
  Configuration conf() {
    return conf;
  }

  /** The read options of {@code file}: the configuration's, with its store's default chunk. */
  ReadOptions readOptions(Path file) {
    return ReadOptions.forFile(file, conf);
  }

  /**
   * The number of records in part {@code part} of {@code numParts}, learned without reading the
   * payloads: from the {@code .idx} next to every {@code .rec} ({@code a.rec} -> {@code a.idx})
   * when each file has one, else from a header-only scan of the part that seeks over payloads.
   * Equals the number of records {@link #openPart} returns for the same part.
   *
   * @throws FormatException naming the file if an index is malformed (an offset outside its
   *     {@code .rec}, unaligned or repeated) or a scanned header is corrupt
   */
  public PartCount countRecords(int part, int numParts) throws IOException {
    return new PartCounter(this, conf).count(partRange(part, numParts), null);
  }

  /**
   * The number of records of part {@code part} of {@code numParts} that a reader opened with
   * {@link #openPart(int, int, FramingSkips)} returns: with {@code skips} non-null always by a
   * header-only scan that skips broken framing as that reader does (an index cannot tell a
   * broken frame, so it is not used), recording the skipped ranges into {@code skips}; with null
   * as {@link #countRecords(int, int)}.
   */
  public PartCount countRecords(int part, int numParts, FramingSkips skips) throws IOException {
    return new PartCounter(this, conf).count(partRange(part, numParts), skips);
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
    // Nothing to read ahead: the head is usually within a few records of g.
    try (RecordIOReader reader = openFile(file, g - file.start(), g - file.start(),
        readOptions(file.path()).withChunkBytes(RESYNC_CHUNK_BYTES), RESYNC_CHUNK_BYTES)) {
      return file.start() + reader.seekToNextHead();
    }
  }

  /**
   * Opens {@code file} at in-file offset {@code from} through its store, retried and prefetched:
   * chunks are read ahead up to in-file offset {@code aheadLimit}, then on demand.
   */
  RecordIOReader openFile(SplitFile file, long from, long aheadLimit, ReadOptions options,
      int bufferBytes) throws IOException {
    ByteStore store = ByteStores.forPath(file.path(), conf);
    ByteSource source =
        ByteStores.open(store, StoreEntry.file(file.path(), file.size()), conf);
    PrefetchingInputStream in = new PrefetchingInputStream(source, from, aheadLimit, options);
    return new RecordIOReader(in, file.path().toString(), file.size(), bufferBytes);
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
