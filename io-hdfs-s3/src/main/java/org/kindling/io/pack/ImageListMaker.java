package org.kindling.io.pack;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.source.AtomicOutput;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;

/**
 * MXNet's {@code im2rec --list}: lists the images under a folder into {@code .lst} files.
 *
 * <ul>
 *   <li>Not recursive: the files directly in the root, by name, label 0. Recursive: a top-down
 *       walk with sub-folders and files sorted by name (Python's {@code os.walk} with sorted
 *       lists), every folder that holds an image getting the next class label in the order it is
 *       first met; at most {@code numPerClass} files (before the extension filter) per folder.
 *   <li>Images are files whose lower-cased extension is one of {@code exts}; indices count from
 *       0 in walk order.
 *   <li>With {@code shuffle} the list is shuffled with {@code seed} (im2rec uses Python's {@code
 *       random.seed(100)}; Kindling's order is its own, not Python's).
 *   <li>{@code chunks} equal parts ({@code ceil(n / chunks)} each, suffix {@code _k} when more than
 *       one); in each, with {@code trainRatio < 1}, the first {@code int(size * testRatio)}
 *       entries go to {@code _test.lst} (when {@code testRatio > 0}), the next {@code int(size *
 *       trainRatio)} to {@code _train.lst}, the rest to {@code _val.lst} (when {@code trainRatio
 *       + testRatio < 1}); with {@code trainRatio == 1} the chunk is {@code PREFIX.lst}.
 *   <li>Lines are {@code index \t label(%f) \t relative path}.
 * </ul>
 *
 * <p>The folder and the lists may be on any store {@link ByteStores#forPath} reaches (local
 * files, HDFS, s3a, native {@code s3://}, where a folder is a key prefix); each list is written
 * through the store's atomic commit ({@link ByteStore#create}), so a failed listing leaves a
 * list file whole, old or new, never cut short.
 */
public final class ImageListMaker {
  private ImageListMaker() {}

  /** One listed image. */
  public record Item(int index, String path, int label) {}

  /**
   * The settings of a listing, with im2rec's defaults in {@link #defaults()}.
   *
   * @param recursive walk sub-folders, a class per folder
   * @param exts accepted extensions, lower case with the dot
   * @param chunks number of chunks, at least 1
   * @param trainRatio fraction for training, in (0, 1]
   * @param testRatio fraction for testing, in [0, 1)
   * @param numPerClass most files per folder
   * @param shuffle shuffle the list
   * @param seed the shuffle's seed
   */
  public record Options(boolean recursive, Set<String> exts, int chunks, double trainRatio,
      double testRatio, long numPerClass, boolean shuffle, long seed) {
    /**
     * im2rec's defaults (MXNet 1.9.1): not recursive, .jpeg/.jpg/.png, 1 chunk, all for training,
     * shuffled.
     */
    public static Options defaults() {
      return new Options(false, Set.of(".jpeg", ".jpg", ".png"), 1, 1.0, 0.0, Long.MAX_VALUE,
          true, 100);
    }

    public Options {
      if (chunks < 1) {
        throw new IllegalArgumentException("--chunks " + chunks + " must be at least 1");
      }
      if (!(trainRatio > 0 && trainRatio <= 1) || !(testRatio >= 0 && testRatio < 1)
          || trainRatio + testRatio > 1) {
        throw new IllegalArgumentException("--train-ratio " + trainRatio + " and --test-ratio "
            + testRatio + " must be fractions with train in (0, 1] and a sum of at most 1");
      }
      if (numPerClass < 1) {
        throw new IllegalArgumentException("--num-perclass " + numPerClass
            + " must be at least 1");
      }
      exts = Set.copyOf(exts);
    }
  }

  /** The images under {@code root} in walk order (before any shuffle). */
  public static List<Item> list(Path root, Options o, Configuration conf) throws IOException {
    ByteStore store = ByteStores.forPath(root, conf);
    StoreEntry base = store.stat(store.qualify(root));
    if (base == null || !base.directory()) {
      throw new FileNotFoundException(root + ": no such folder of images");
    }
    List<Item> out = new ArrayList<>();
    if (o.recursive()) {
      walk(store, base.path(), base.path(), o, new LinkedHashMap<>(), out);
    } else {
      for (StoreEntry f : sorted(store.list(base.path()))) {
        if (!f.directory() && isImage(f.path().getName(), o)) {
          out.add(new Item(out.size(), relative(base.path(), f.path()), 0));
        }
      }
    }
    return out;
  }

  private static void walk(ByteStore store, Path base, Path dir, Options o,
      Map<Path, Integer> classes, List<Item> out) throws IOException {
    List<StoreEntry> entries = sorted(store.list(dir));
    long taken = 0;
    for (StoreEntry f : entries) {
      if (f.directory() || taken++ >= o.numPerClass()) {
        continue;
      }
      if (isImage(f.path().getName(), o)) {
        int label = classes.computeIfAbsent(dir, d -> classes.size());
        out.add(new Item(out.size(), relative(base, f.path()), label));
      }
    }
    for (StoreEntry f : entries) {
      if (f.directory()) {
        walk(store, base, f.path(), o, classes, out);
      }
    }
  }

  private static List<StoreEntry> sorted(List<StoreEntry> s) {
    List<StoreEntry> c = new ArrayList<>(s);
    c.sort(Comparator.comparing(f -> f.path().getName()));
    return c;
  }

  private static boolean isImage(String name, Options o) {
    int first = 0;
    while (first < name.length() && name.charAt(first) == '.') {
      first++;
    }
    int dot = name.lastIndexOf('.');
    // Python's splitext: leading dots are not an extension (".jpg" has none, ".a.jpg" has .jpg)
    return dot > first && o.exts().contains(name.substring(dot).toLowerCase(Locale.ROOT));
  }

  private static String relative(Path base, Path file) {
    String b = base.toUri().getPath();
    String f = file.toUri().getPath();
    return f.substring(b.endsWith("/") ? b.length() : b.length() + 1);
  }

  /**
   * Lists the images under {@code root} and writes the {@code .lst} files next to {@code
   * prefix}.
   *
   * @return the files written, in order
   */
  public static List<Path> make(Path root, Path prefix, Options o, Configuration conf)
      throws IOException {
    List<Item> items = new ArrayList<>(list(root, o, conf));
    if (o.shuffle()) {
      java.util.Collections.shuffle(items, new Random(o.seed()));
    }
    int n = items.size();
    int chunkSize = (n + o.chunks() - 1) / o.chunks();
    List<Path> written = new ArrayList<>();
    for (int i = 0; i < o.chunks(); i++) {
      List<Item> chunk = items.subList(Math.min(n, i * chunkSize),
          Math.min(n, (i + 1) * chunkSize));
      String suffix = o.chunks() > 1 ? "_" + i : "";
      int sep = (int) (chunkSize * o.trainRatio());
      int sepTest = (int) (chunkSize * o.testRatio());
      if (o.trainRatio() == 1.0) {
        written.add(write(prefix, suffix + ".lst", chunk, conf));
        continue;
      }
      if (o.testRatio() > 0) {
        written.add(write(prefix, suffix + "_test.lst", slice(chunk, 0, sepTest), conf));
      }
      if (o.trainRatio() + o.testRatio() < 1.0) {
        written.add(write(prefix, suffix + "_val.lst",
            slice(chunk, sepTest + sep, chunk.size()), conf));
      }
      written.add(write(prefix, suffix + "_train.lst",
          slice(chunk, sepTest, sepTest + sep), conf));
    }
    return written;
  }

  /** Python's {@code list[from:to]}: bounds clipped to the list. */
  private static List<Item> slice(List<Item> l, int from, int to) {
    int f = Math.min(from, l.size());
    return l.subList(f, Math.max(f, Math.min(to, l.size())));
  }

  /** Writes one list through its store's atomic commit: whole under its name, or not at all. */
  private static Path write(Path prefix, String suffix, List<Item> items, Configuration conf)
      throws IOException {
    Path p = new Path(prefix.getParent(), prefix.getName() + suffix);
    try (AtomicOutput out = ByteStores.create(p, conf)) {
      // closing the writer ends the stream only; the commit publishes
      try (Writer w = new OutputStreamWriter(out.stream(), StandardCharsets.UTF_8)) {
        for (Item it : items) {
          w.write(String.format(Locale.ROOT, "%d\t%f\t%s\n", it.index(), (float) it.label(),
              it.path()));
        }
      }
      out.commit();
    }
    return p;
  }
}
