package org.kindling.examples.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.pack.IdxImagePacker;
import org.kindling.io.pack.Im2RecPacker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kindling im2rec}: MXNet's {@code im2rec} (pass-through mode) from a {@code .lst} file,
 * or packing of IDX image and label files (MNIST's format).
 */
@Command(
    name = "im2rec",
    mixinStandardHelpOptions = true,
    description = {
      "Packs images into PREFIX.rec + PREFIX.idx, as MXNet's im2rec does.",
      "",
      "  kindling im2rec PREFIX ROOT",
      "    reads PREFIX.lst (index<TAB>label...<TAB>path per line) and stores",
      "    each ROOT/path file as it is (no decoding or resizing)",
      "  kindling im2rec --idx-images FILE --idx-labels FILE PREFIX",
      "    packs IDX image and label files (MNIST's format, optionally .gz)",
      "    as raw-pixel records",
      ""
    })
final class Im2RecCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PREFIX",
      description = "output prefix; with a .lst, the list is PREFIX.lst")
  String prefix;

  @Parameters(index = "1", arity = "0..1", paramLabel = "ROOT",
      description = "directory the .lst paths are relative to")
  String root;

  @Option(names = "--pack-label", description = "store every label of a multi-label .lst line")
  boolean packLabel;

  @Option(names = "--list", paramLabel = "FILE", description = "the .lst file (default PREFIX.lst)")
  String list;

  @Option(names = "--idx-images", paramLabel = "FILE", description = "IDX image file to pack")
  String idxImages;

  @Option(names = "--idx-labels", paramLabel = "FILE", description = "IDX label file to pack")
  String idxLabels;

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration();
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
      String lst = list != null ? list : base + ".lst";
      records = Im2RecPacker.pack(new Path(lst), new Path(root), new Path(base), packLabel, conf)
          .records();
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "packed %d records into %s.rec and %s.idx"
        + " in %.1f s%n", records, base, base, (System.nanoTime() - start) / 1e9);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
