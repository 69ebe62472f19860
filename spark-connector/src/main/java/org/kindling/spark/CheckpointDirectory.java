package org.kindling.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What a run finds at its checkpoint prefix before it starts, on the driver: it removes the
 * temporary files a killed run left behind ({@code .PREFIX-*.tmp*}, the names of atomic writes),
 * refuses to replace existing checkpoints unless asked ({@code --overwrite}), and for {@code
 * --begin-epoch N} finds {@code PREFIX-N.params} and {@code PREFIX-N.states} to continue from.
 *
 * <p>A fresh run refuses if any {@code PREFIX-*} checkpoint file exists (symbol, params, states,
 * history); a resumed run refuses if checkpoints of epochs after {@code N} exist, since it would
 * replace them, and rewrites the symbol and the history (which it continues).
 */
final class CheckpointDirectory {
  /**
   * Where a resumed run starts: the files of checkpoint {@code epoch}.
   *
   * @param epoch the checkpoint's number
   * @param paramsFile {@code PREFIX-%04d.params}
   * @param statesFile {@code PREFIX-%04d.states}, or null if the run saved none
   */
  record Resume(int epoch, String paramsFile, String statesFile) implements java.io.Serializable {}

  private static final Pattern NUMBERED = Pattern.compile("-(\\d{4,})\\.(params|states)");

  private CheckpointDirectory() {}

  /**
   * Prepares the prefix of {@code config} (nothing without {@code --model-prefix}).
   *
   * @param out receives a line per removed temporary file and warnings
   * @return the checkpoint to continue from, or null for a fresh run
   * @throws IllegalArgumentException if checkpoints would be replaced without {@code
   *     --overwrite}, or the checkpoint to continue from does not exist
   * @throws IOException if the directory cannot be listed or a temporary file not removed
   */
  static Resume prepare(TrainConfig config, Configuration conf, Consumer<String> out)
      throws IOException {
    String prefix = config.modelPrefix();
    if (prefix == null) {
      return null;
    }
    Path p = new Path(prefix);
    Path dir = HadoopFiles.qualify(p, conf).getParent();
    String base = p.getName();
    List<String> existing = new ArrayList<>();
    for (String name : HadoopFiles.list(dir, conf)) {
      if (name.startsWith("." + base + "-") && name.contains(".tmp")) {
        HadoopFiles.delete(new Path(dir, name), conf);
        out.accept("kindling: removed " + new Path(dir, name) + ", left by a run that was killed"
            + " while writing it");
      } else if (name.startsWith(base + "-") && isCheckpointFile(name.substring(base.length()))) {
        existing.add(name);
      }
    }
    int begin = config.beginEpoch();
    List<String> replaced = existing.stream()
        .filter(n -> begin == 0 || epochOf(n.substring(base.length())) > begin).toList();
    if (!replaced.isEmpty() && !config.overwrite()) {
      throw new IllegalArgumentException(prefix + " has checkpoints this run would replace: "
          + String.join(", ", replaced.subList(0, Math.min(6, replaced.size())))
          + (replaced.size() > 6 ? " and " + (replaced.size() - 6) + " more" : "")
          + "; pass --overwrite to replace them"
          + (begin == 0 ? ", or --begin-epoch N to continue from PREFIX-N.params" : "")
          + ", or choose another --model-prefix");
    }
    if (begin == 0) {
      return null;
    }
    String params = Checkpoints.paramsFile(prefix, begin);
    if (!existing.contains(new Path(params).getName())) {
      throw new IllegalArgumentException("--begin-epoch " + begin + ": " + params
          + " does not exist" + describeEpochs(existing, base));
    }
    String states = Checkpoints.statesFile(prefix, begin);
    if (!existing.contains(new Path(states).getName())) {
      out.accept("kindling: warning: " + states + " does not exist; the optimizer starts with"
          + " fresh states (momentum, moments, update counts)");
      states = null;
    }
    return new Resume(begin, params, states);
  }

  /**
   * True for {@code -symbol.json}, {@code -%04d.params|states}, {@code -history.*}, {@code
   * -history-kvstore.csv}.
   */
  private static boolean isCheckpointFile(String suffix) {
    return suffix.equals("-symbol.json") || NUMBERED.matcher(suffix).matches()
        || Checkpoints.HISTORY_FORMATS.stream().anyMatch(e -> suffix.equals("-history." + e))
        || suffix.equals(Checkpoints.KVSTORE_HISTORY_SUFFIX)
        || suffix.equals("-metrics.csv"); // the training curve of Kindling before 0.1
  }

  /** The epoch of a numbered checkpoint suffix; -1 for the others. */
  private static int epochOf(String suffix) {
    Matcher m = NUMBERED.matcher(suffix);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static String describeEpochs(List<String> existing, String base) {
    List<Integer> epochs = existing.stream().filter(n -> n.endsWith(".params"))
        .map(n -> epochOf(n.substring(base.length()))).sorted().toList();
    return epochs.isEmpty() ? " (no checkpoints at this prefix)"
        : String.format(Locale.ROOT, " (checkpoints: %s)", epochs);
  }
}
