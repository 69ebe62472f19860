package org.kindling.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ObjDoubleConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;

/**
 * The training job's command line: {@code --name value} pairs (or {@code --name=value}) mapped
 * onto a {@link TrainConfig.Builder}. Kept free of any CLI library so the assembly jar stays
 * small and {@code spark-submit --class org.kindling.spark.TrainJob} needs nothing else.
 */
public final class TrainArgs {

  private record Opt(String name, String value, String help, BiConsumer<TrainConfig.Builder, String> set) {}

  private static final Map<String, Opt> OPTIONS = new LinkedHashMap<>();

  static {
    add("--data", "URI", "training .rec file(s): hdfs://, s3a://, file:// or a plain path;"
        + " several separated by ';' (required)", TrainConfig.Builder::data);
    add("--val-data", "URI", "validation .rec file(s); accuracy on them is computed after"
        + " every epoch", TrainConfig.Builder::valData);
    addInt("--num-workers", "W", "number of barrier tasks training in parallel (default 1)",
        TrainConfig.Builder::numWorkers);
    addInt("--batch-size", "N", "batch size per worker (default 128)",
        TrainConfig.Builder::batchSize);
    addInt("--epochs", "N", "number of passes over the data (default 10)",
        TrainConfig.Builder::epochs);
    addDouble("--lr", "X", "SGD learning rate (default 0.1)", TrainConfig.Builder::learningRate);
    addDouble("--momentum", "X", "SGD momentum (default 0.9)", TrainConfig.Builder::momentum);
    addDouble("--wd", "X", "weight decay (default 0.0001)", TrainConfig.Builder::weightDecay);
    add("--network", "NAME", "built-in network: mlp (default)", TrainConfig.Builder::network);
    addInts("--hidden", "A,B,..", "hidden layer widths of the mlp (default 256,128)",
        TrainConfig.Builder::hidden);
    addInt("--num-classes", "N", "number of classes of the mlp (default 10)",
        TrainConfig.Builder::numClasses);
    addInts("--input-shape", "D,..", "shape of one example without the batch axis"
        + " (default 784; e.g. 1,28,28)", TrainConfig.Builder::inputShape);
    add("--symbol", "FILE", "train this MXNet symbol JSON instead of the built-in network"
        + " (its data input is 'data', its label 'softmax_label')", TrainConfig.Builder::symbolFile);
    add("--model-prefix", "URI", "checkpoint prefix on any Hadoop file system: writes"
        + " PREFIX-symbol.json, PREFIX-0001.params ... and PREFIX-metrics.csv",
        TrainConfig.Builder::modelPrefix);
    add("--kvstore", "TYPE", "dist_sync (default: parameter server on the driver) or local"
        + " (a single task)", TrainConfig.Builder::kvstore);
    addLong("--seed", "N", "seed for parameter initialization (default 42)",
        TrainConfig.Builder::seed);
    addInt("--disp-batches", "N", "print progress every N batches (default 50)",
        TrainConfig.Builder::dispBatches);
    addDouble("--scale", "X", "factor applied to pixel bytes (default 0.00392156862745098 = 1/255)",
        (b, x) -> b.scale((float) x));
    add("--master", "URL", "Spark master, only for embedded runs (spark-submit sets its own)",
        TrainConfig.Builder::master);
    add("--memory-limit", "SIZE", "cap on Kindling's native array memory in each JVM, e.g. 2g"
        + " (sets " + MemoryLimit.KEY + "; default: the JVM's -Xmx)",
        TrainConfig.Builder::memoryLimit);
  }

  private TrainArgs() {}

  private static void add(String name, String value, String help,
      BiConsumer<TrainConfig.Builder, String> set) {
    OPTIONS.put(name, new Opt(name, value, help, set));
  }

  // The typed adders parse the text once, naming the option in the error, before the setter runs.

  private static void addInt(String name, String value, String help,
      ObjIntConsumer<TrainConfig.Builder> set) {
    add(name, value, help, (b, v) -> set.accept(b, parseInt(name, v)));
  }

  private static void addLong(String name, String value, String help,
      ObjLongConsumer<TrainConfig.Builder> set) {
    add(name, value, help, (b, v) -> set.accept(b, parseLong(name, v)));
  }

  private static void addDouble(String name, String value, String help,
      ObjDoubleConsumer<TrainConfig.Builder> set) {
    add(name, value, help, (b, v) -> set.accept(b, parseDouble(name, v)));
  }

  private static void addInts(String name, String value, String help,
      BiConsumer<TrainConfig.Builder, int[]> set) {
    add(name, value, help, (b, v) -> set.accept(b, parseInts(name, v)));
  }

  /** True if the arguments ask for help ({@code --help} or {@code -h}). */
  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses the arguments into a builder without validating the combination yet, so callers
   * can apply their own defaults (for example an embedded master) before {@code build()}.
   *
   * @throws IllegalArgumentException for an unknown option, a missing value or a malformed number
   */
  public static TrainConfig.Builder parseToBuilder(String[] args, TrainConfig.Builder into) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      Opt opt = OPTIONS.get(name);
      if (opt == null) {
        throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + name + " needs a value " + opt.value());
        }
        value = args[++i];
      }
      opt.set().accept(into, value);
    }
    return into;
  }

  /** Parses and validates the arguments. */
  public static TrainConfig parse(String[] args) {
    return parseToBuilder(args, TrainConfig.builder()).build();
  }

  /** The help text listing every option with its default. */
  public static String usage(String command) {
    StringBuilder s = new StringBuilder();
    s.append("Usage: ").append(command).append(" --data URI [options]\n\n");
    s.append("Trains a network on RecordIO image records with W Spark barrier tasks and a\n");
    s.append("parameter server on the driver (MXNet's dist_sync), writing MXNet checkpoints.\n\n");
    s.append("Options:\n");
    List<String> lefts = new ArrayList<>();
    int width = 0;
    for (Opt o : OPTIONS.values()) {
      String left = o.name() + " " + o.value();
      lefts.add(left);
      width = Math.max(width, left.length());
    }
    int i = 0;
    for (Opt o : OPTIONS.values()) {
      String left = lefts.get(i++);
      s.append("  ").append(left).append(" ".repeat(width - left.length() + 2));
      appendWrapped(s, o.help(), width + 4, 100);
    }
    s.append("  --help").append(" ".repeat(width - 4)).append("print this help and exit\n");
    return s.toString();
  }

  /** Appends {@code text} wrapped at {@code lineWidth}, continuation lines indented. */
  private static void appendWrapped(StringBuilder s, String text, int indent, int lineWidth) {
    int col = indent;
    for (String word : text.split(" ")) {
      if (col > indent && col + 1 + word.length() > lineWidth) {
        s.append('\n').append(" ".repeat(indent));
        col = indent;
      } else if (col > indent) {
        s.append(' ');
        col++;
      }
      s.append(word);
      col += word.length();
    }
    s.append('\n');
  }

  private static int parseInt(String option, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'");
    }
  }

  private static long parseLong(String option, String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'");
    }
  }

  private static double parseDouble(String option, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, got '" + v + "'");
    }
  }

  private static int[] parseInts(String option, String v) {
    String t = v.trim();
    if (t.startsWith("(") && t.endsWith(")")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] parts = t.split(",");
    List<Integer> out = new ArrayList<>();
    for (String p : parts) {
      if (!p.isBlank()) {
        out.add(parseInt(option, p));
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
