package org.kindling.io.pack;

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
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.kindling.io.HadoopFiles;

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
    FileSystem fs = HadoopFiles.fileSystem(root, conf);
    Path base = fs.getFileStatus(root).getPath();
    List<Item> out = new ArrayList<>();
    if (o.recursive()) {
      walk(fs, base, base, o, new LinkedHashMap<>(), out);
    } else {
      for (FileStatus f : sorted(fs.listStatus(base))) {
        if (f.isFile() && isImage(f.getPath().getName(), o)) {
          out.add(new Item(out.size(), relative(base, f.getPath()), 0));
        }
      }
    }
    return out;
  }

  private static void walk(FileSystem fs, Path base, Path dir, Options o,
      Map<Path, Integer> classes, List<Item> out) throws IOException {
    FileStatus[] entries = sorted(fs.listStatus(dir));
    long taken = 0;
    for (FileStatus f : entries) {
      if (!f.isFile() || taken++ >= o.numPerClass()) {
        continue;
      }
      if (isImage(f.getPath().getName(), o)) {
        int label = classes.computeIfAbsent(dir, d -> classes.size());
        out.add(new Item(out.size(), relative(base, f.getPath()), label));
      }
    }
    for (FileStatus f : entries) {
      if (f.isDirectory()) {
        walk(fs, base, f.getPath(), o, classes, out);
      }
    }
  }

  private static FileStatus[] sorted(FileStatus[] s) {
    FileStatus[] c = s.clone();
    Arrays.sort(c, Comparator.comparing(f -> f.getPath().getName()));
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
    FileSystem fs = HadoopFiles.fileSystem(prefix, conf);
    List<Path> written = new ArrayList<>();
    for (int i = 0; i < o.chunks(); i++) {
      List<Item> chunk = items.subList(Math.min(n, i * chunkSize),
          Math.min(n, (i + 1) * chunkSize));
      String suffix = o.chunks() > 1 ? "_" + i : "";
      int sep = (int) (chunkSize * o.trainRatio());
      int sepTest = (int) (chunkSize * o.testRatio());
      if (o.trainRatio() == 1.0) {
        written.add(write(fs, prefix, suffix + ".lst", chunk));
        continue;
      }
      if (o.testRatio() > 0) {
        written.add(write(fs, prefix, suffix + "_test.lst", slice(chunk, 0, sepTest)));
      }
      if (o.trainRatio() + o.testRatio() < 1.0) {
        written.add(write(fs, prefix, suffix + "_val.lst",
            slice(chunk, sepTest + sep, chunk.size())));
      }
      written.add(write(fs, prefix, suffix + "_train.lst",
          slice(chunk, sepTest, sepTest + sep)));
    }
    return written;
  }

  /** Python's {@code list[from:to]}: bounds clipped to the list. */
  private static List<Item> slice(List<Item> l, int from, int to) {
    int f = Math.min(from, l.size());
    return l.subList(f, Math.max(f, Math.min(to, l.size())));
  }

  private static Path write(FileSystem fs, Path prefix, String suffix, List<Item> items)
      throws IOException {
    Path p = new Path(prefix.getParent(), prefix.getName() + suffix);
    try (Writer w = new OutputStreamWriter(fs.create(p, true), StandardCharsets.UTF_8)) {
      for (Item it : items) {
        w.write(String.format(Locale.ROOT, "%d\t%f\t%s\n", it.index(), (float) it.label(),
            it.path()));
      }
    }
    return p;
  }
}
