package org.kindling.examples.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.image.ImageTranscoder;
import org.kindling.io.pack.IdxImagePacker;
import org.kindling.io.pack.ImageListMaker;
import org.kindling.io.pack.Im2RecPacker;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kindling im2rec}: MXNet's {@code tools/im2rec.py}: {@code --list} makes {@code .lst}
 * files from an image folder ({@link ImageListMaker}); otherwise a {@code .lst} file is packed,
 * re-encoding each image ({@link ImageTranscoder}) unless {@code --pass-through}; or IDX image and
 * label files (MNIST's format) are packed. Every input and output may be on any store {@code
 * kindling recordio dump} reads (local files, HDFS, s3a, native {@code s3://}, through {@link
 * ByteStores}); outputs appear only whole, through the store's atomic commit.
 */
@Command(
    name = "im2rec",
    mixinStandardHelpOptions = true,
    description = {
      "Packs images into PREFIX.rec + PREFIX.idx, as MXNet's im2rec does.",
      "",
      "  kindling im2rec --list [--recursive] [--train-ratio R] ... PREFIX ROOT",
      "    lists the images under ROOT into PREFIX.lst (or PREFIX_train.lst,",
      "    PREFIX_val.lst, PREFIX_test.lst; _K per chunk)",
      "  kindling im2rec [--resize N] [--quality Q] [--encoding .jpg|.png] PREFIX ROOT",
      "    packs every list PREFIX*.lst in PREFIX's folder (index<TAB>label...<TAB>path",
      "    per line), as im2rec does, each into its own .rec + .idx: each ROOT/path",
      "    image re-encoded as im2rec does, or as it is with --pass-through",
      "  kindling im2rec --idx-images FILE --idx-labels FILE PREFIX",
      "    packs IDX image and label files (MNIST's format, optionally .gz)",
      "    as raw-pixel records",
      "",
      "PREFIX, ROOT and the IDX files are paths or URIs on any store (file://, hdfs://,",
      "s3a://, s3://); each output appears whole or not at all.",
      ""
    })
final class Im2RecCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PREFIX",
      description = "output prefix; when packing, the lists are PREFIX*.lst (or PREFIX itself"
          + " if it ends in .lst)")
  String prefix;

  @Parameters(index = "1", arity = "0..1", paramLabel = "ROOT",
      description = "directory the .lst paths are relative to")
  String root;

  @Option(names = "--pack-label", description = "store every label of a multi-label .lst line")
  boolean packLabel;

  @Option(names = "--lst", paramLabel = "FILE",
      description = "pack only this .lst file, into PREFIX.rec + PREFIX.idx")
  String lstFile;

  @Option(names = "--list", description = "make .lst files from the images under ROOT")
  boolean makeList;

  @Option(names = "--recursive", description = "with --list: walk sub-folders, a class each")
  boolean recursive;

  @Option(names = "--exts", arity = "1..*", split = ",", paramLabel = "EXT",
      description = "with --list: image extensions, space- or comma-separated (default .jpeg"
          + " .jpg .png)")
  List<String> exts = List.of(".jpeg", ".jpg", ".png");

  @Option(names = "--chunks", description = "with --list: number of chunks (default 1)")
  int chunks = 1;

  @Option(names = "--train-ratio", description = "with --list: training fraction (default 1)")
  double trainRatio = 1.0;

  @Option(names = "--test-ratio", description = "with --list: test fraction (default 0)")
  double testRatio = 0.0;

  @Option(names = "--num-perclass", description = "with --list: most files per folder")
  long numPerClass = Long.MAX_VALUE;

  @Option(names = "--no-shuffle", description = "with --list: keep the walk order")
  boolean noShuffle;

  @Option(names = "--shuffle-seed", description = "with --list: the shuffle's seed (default 100)")
  long shuffleSeed = 100;

  @Option(names = "--pass-through", description = "store the image files as they are")
  boolean passThrough;

  @Option(names = "--resize", description = "resize the shorter side to N (default 0: off)")
  int resize;

  @Option(names = "--center-crop", description = "crop the centre square before resizing")
  boolean centerCrop;

  @Option(names = "--quality",
      description = "JPEG quality 1-100 (default 95) or PNG compression 0-9 (default 9:"
          + " im2rec passes 95, which OpenCV clamps to 9)")
  Integer quality;

  @Option(names = "--encoding", description = ".jpg (default) or .png")
  String encoding = ".jpg";

  @Option(names = "--color", description = "1 colour (default), 0 grey, -1 unchanged")
  int color = 1;

  @Option(names = "--num-thread", description = "threads reading and encoding (default 1)")
  int threads = 1;

  @Option(names = "--idx-images", paramLabel = "FILE", description = "IDX image file to pack")
  String idxImages;

  @Option(names = "--idx-labels", paramLabel = "FILE", description = "IDX label file to pack")
  String idxLabels;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "a Hadoop/Kindling setting, repeatable, e.g. --conf"
          + " kindling.s3.endpoint=http://127.0.0.1:9000 --conf kindling.s3.path.style=true")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration();
    settings.forEach(conf::set);
    String base = prefix.endsWith(".lst") ? prefix.substring(0, prefix.length() - 4) : prefix;
    long start = System.nanoTime();
    long records;
    if (idxImages != null || idxLabels != null) {
      if (idxImages == null || idxLabels == null || root != null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "IDX packing needs both --idx-images and --idx-labels, and no ROOT");
      }
      records = IdxImagePacker.pack(new Path(idxImages), new Path(idxLabels), new Path(base),
          conf).records();
    } else {
      if (root == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "missing ROOT (the directory of the images listed in the .lst file)");
      }
      if (makeList) {
        List<Path> lists = ImageListMaker.make(new Path(root), new Path(base),
            new ImageListMaker.Options(recursive, Set.copyOf(exts), chunks, trainRatio,
                testRatio, numPerClass, !noShuffle, shuffleSeed), conf);
        spec.commandLine().getOut().println("wrote " + lists);
        spec.commandLine().getOut().flush();
        return 0;
      }
      ImageTranscoder transcoder = passThrough ? null : new ImageTranscoder(color, centerCrop,
          resize, encoding, quality != null ? quality : ".png".equals(encoding) ? 9 : 95);
      if (lstFile == null && !prefix.endsWith(".lst")) {
        for (Path lst : listsOf(new Path(base), conf)) {
          String out = lst.toString().substring(0, lst.toString().length() - 4);
          records = Im2RecPacker.pack(lst, new Path(root), new Path(out), packLabel, transcoder,
              threads, conf).records();
          printPacked(records, out, start);
          start = System.nanoTime();
        }
        return 0;
      }
      records = Im2RecPacker.pack(new Path(lstFile != null ? lstFile : prefix), new Path(root),
          new Path(base), packLabel, transcoder, threads, conf).records();
    }
    printPacked(records, base, start);
    return 0;
  }

  private void printPacked(long records, String base, long start) {
    spec.commandLine().getOut().printf(Locale.ROOT, "packed %d records into %s.rec and %s.idx"
        + " in %.1f s%n", records, base, base, (System.nanoTime() - start) / 1e9);
    spec.commandLine().getOut().flush();
  }

  /**
   * The lists im2rec packs for {@code prefix}: the {@code .lst} files in its folder whose name
   * starts with its name (so {@code --list --train-ratio}'s {@code PREFIX_train.lst} and {@code
   * PREFIX_val.lst}, or the chunks' {@code PREFIX_K.lst}), sorted; every {@code .lst} in it if
   * {@code prefix} is a folder.
   *
   * @throws FileNotFoundException if there is none
   */
  private static List<Path> listsOf(Path prefix, Configuration conf) throws IOException {
    ByteStore store = ByteStores.forPath(prefix, conf);
    StoreEntry entry = store.stat(store.qualify(prefix));
    boolean folder = entry != null && entry.directory();
    Path dir = folder ? prefix : prefix.getParent();
    String start = folder ? "" : prefix.getName();
    List<Path> lists = new ArrayList<>();
    StoreEntry dirEntry = folder ? entry : dir == null ? null : store.stat(store.qualify(dir));
    if (dirEntry != null && dirEntry.directory()) {
      for (StoreEntry s : store.list(dirEntry.path())) {
        String name = s.path().getName();
        if (!s.directory() && name.startsWith(start) && name.endsWith(".lst")) {
          lists.add(new Path(dir, name)); // as the user wrote the prefix, for the messages
        }
      }
    }
    if (lists.isEmpty()) {
      throw new FileNotFoundException("no list file " + start + "*.lst in " + dir
          + " (make one with kindling im2rec --list PREFIX ROOT)");
    }
    lists.sort(Comparator.comparing(Path::getName));
    return lists;
  }
}
