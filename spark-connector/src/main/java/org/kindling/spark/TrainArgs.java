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

  /** An option; {@code value} is null for a flag, which takes no value. */
  private record Opt(String name, String value, String help,
      BiConsumer<TrainConfig.Builder, String> set) {}

  private static final Map<String, Opt> OPTIONS = new LinkedHashMap<>();
  /** Other names of options, e.g. MXNet {@code fit.py}'s, mapped to Kindling's. */
  private static final Map<String, String> ALIASES = Map.of("--load-epoch", "--begin-epoch",
      "--num-epochs", "--epochs", "--mom", "--momentum", "--image-shape", "--data-shape",
      "--random-crop", "--rand-crop", "--random-mirror", "--rand-mirror", "--rgb-mean",
      "--mean-rgb", "--rgb-std", "--std-rgb", "--data-nthreads", "--preprocess-threads");

  static {
    add("--data", "URI", "training .rec file(s): hdfs://, s3a://, file:// or a plain path;"
        + " several separated by ';' (required)", TrainConfig.Builder::data);
    add("--val-data", "URI", "validation .rec file(s); the metrics on them are computed after"
        + " every epoch", TrainConfig.Builder::valData);
    addInt("--num-workers", "W", "number of barrier tasks training in parallel (default 1)",
        TrainConfig.Builder::numWorkers);
    addInt("--batch-size", "N", "batch size per worker (default 128)",
        TrainConfig.Builder::batchSize);
    addInt("--epochs", "N", "epochs completed at the end, counting those before --begin-epoch"
        + " (default 10; also --num-epochs)", TrainConfig.Builder::epochs);
    add("--network", "NAME", "mlp (default; widths from --hidden) or a zoo network: lenet,"
        + " alexnet, vgg11..vgg19[_bn], resnet<N>[_v1] (20, 32, 44, 56, 110 for 28x28 images; 18,"
        + " 34, 50, ... for larger ones), inception-bn, mobilenet; zoo networks need"
        + " --input-shape C,H,W", TrainConfig.Builder::network);
    addInts("--hidden", "A,B,..", "hidden layer widths of the mlp (default 256,128)",
        TrainConfig.Builder::hidden);
    addInt("--num-classes", "N", "number of classes (default 10)",
        TrainConfig.Builder::numClasses);
    addInts("--input-shape", "D,..", "shape of one example without the batch axis"
        + " (default 784, or --data-shape's; e.g. 1,28,28)", TrainConfig.Builder::inputShape);
    add("--symbol", "FILE", "train this MXNet symbol JSON instead of --network"
        + " (its data input is 'data', its label 'softmax_label')", TrainConfig.Builder::symbolFile);
    add("--optimizer", "NAME", "sgd (default), nag, adam, adamw, rmsprop, adagrad, adadelta,"
        + " signum or lamb, with MXNet's parameters", TrainConfig.Builder::optimizer);
    add("--optimizer-params", "K=V,..", "more optimizer parameters by MXNet's names, e.g."
        + " beta1=0.9,beta2=0.999 or lr_scheduler=factor,lr_scheduler.step=1000"
        + " (rescale_grad defaults to 1/(batch-size * workers))", TrainArgs::optimizerParams);
    addDouble("--lr", "X", "learning_rate (default 0.1 for sgd and nag, as MXNet's fit.py;"
        + " the optimizer's own default otherwise)", TrainConfig.Builder::learningRate);
    addDouble("--momentum", "X", "momentum of sgd, nag and signum (default 0.9; also --mom)",
        TrainConfig.Builder::momentum);
    addDouble("--wd", "X", "weight decay wd (default 0.0001)", TrainConfig.Builder::weightDecay);
    add("--initializer", "SPEC", "MXNet initializer, e.g. 'xavier(rnd_type=uniform,"
        + " magnitude=3)', normal, 'uniform(scale=0.07)' (default " + TrainConfig.DEFAULT_INITIALIZER
        + "); a variable's __init__ attribute wins", TrainConfig.Builder::initializer);
    add("--metrics", "M,..", "training and validation metrics by MXNet's names, e.g."
        + " acc,ce,'top_k_accuracy(top_k=5)' (default "
        + String.join(",", TrainConfig.DEFAULT_METRICS) + ")",
        (b, v) -> b.metrics(splitTopLevel(v)));
    add("--model-prefix", "URI", "checkpoint prefix on any Hadoop file system: writes"
        + " PREFIX-symbol.json, PREFIX-0001.params and PREFIX-0001.states (optimizer states)"
        + " ..., and PREFIX-history.csv/.json/.png (the metrics per epoch)",
        TrainConfig.Builder::modelPrefix);
    addInt("--begin-epoch", "N", "continue from PREFIX-N.params and PREFIX-N.states (also"
        + " --load-epoch, MXNet fit.py's name)", TrainConfig.Builder::beginEpoch);
    addFlag("--overwrite", "replace existing PREFIX-* checkpoints (without it a run refuses"
        + " to)", TrainConfig.Builder::overwrite);
    addFlag("--skip-corrupt", "leave out corrupt records (a bad image-record header, content of"
        + " the wrong size, an image that does not decode) instead of failing: each skipped"
        + " record is named (file@offset) in the progress output and counted per epoch in the"
        + " progress lines, the history (skipped_records) and the last line; a broken RecordIO"
        + " frame (bad magic, a length past the end) is skipped to the next record head and"
        + " counted and named the same way, with the skipped byte range (also "
        + SkipCorruptConf.KEY + " in the Spark conf)", TrainConfig.Builder::skipCorrupt);
    addFlag("--shuffle", "read each worker's part of --data in a new order every epoch, drawn"
        + " from --seed, the epoch and the part (the default for training data, as MXNet's"
        + " train_*.py and PyTorch's shuffle=True; --val-data is always read in order): through"
        + " the .idx next to every .rec, else after one pass over the part's record headers"
        + " (also " + ShuffleConf.KEY + "=true in the Spark conf)", TrainConfig.Builder::shuffle);
    addFlag("--no-shuffle", "read each worker's part in file order every epoch (also "
        + ShuffleConf.KEY + "=false in the Spark conf)", (b, v) -> b.shuffle(!v));
    add("--kvstore", "TYPE", "dist_device_sync (default: the tasks of an executor sum their"
        + " gradients first, one of them talks to the parameter server on the driver),"
        + " dist_sync (every task talks to the driver), dist_async (each push applied on"
        + " arrival) or local (a single task)",
        TrainConfig.Builder::kvstore);
    add("--gc-type", "TYPE", "gradient compression of the pushes, MXNet's: 2bit (each value"
        + " sent as +-threshold or 0 in 2 bits, the rest kept for the next push), Kindling's"
        + " fp16 (pushes and pulls sent as IEEE half, summed in float32 on the server) or none"
        + " (the default; also " + GradientCompressionConf.TYPE + " in the Spark conf; needs a"
        + " dist --kvstore)", TrainConfig.Builder::gcType);
    add("--gc-threshold", "X", "threshold of 2bit compression (default 0.5; also "
        + GradientCompressionConf.THRESHOLD + ")", TrainConfig.Builder::gcThreshold);
    add("--server-shards", "S", "threads of the parameter server on the driver: keys of at"
        + " least --bigarray-bound elements are split in S ranges summed and updated in parallel,"
        + " smaller keys belong to one shard (default 1; also " + ServerShardsConf.SHARDS + ")",
        TrainConfig.Builder::serverShards);
    add("--bigarray-bound", "N", "elements from which a key is split across the server shards"
        + " (MXNet's MXNET_KVSTORE_BIGARRAY_BOUND, default 1000000; also "
        + ServerShardsConf.BOUND + ")", TrainConfig.Builder::bigArrayBound);
    add("--num-servers", "S", "key servers hosted by executors, one per executor JVM as far as"
        + " Spark places them: workers split the keys across them (a key below --bigarray-bound"
        + " whole to one, a bigger one in S ranges), so the keys' bytes do not cross the"
        + " driver's link, which keeps barriers, progress and checkpoints (default 0: every key"
        + " on the driver; also " + ServerShardsConf.NUM_SERVERS + ")",
        TrainConfig.Builder::numServers);
    add("--kvstore-port", "P", "port of the parameter server on the driver, bound to"
        + " spark.driver.bindAddress (else spark.driver.host); if in use the next ones are tried,"
        + " up to spark.port.maxRetries (default 16) more (default 0: any free port; also "
        + KVStorePortConf.PORT + ")", TrainConfig.Builder::kvstorePort);
    add("--key-server-port", "P", "first port of the --num-servers key servers, each bound to"
        + " its executor's host; a server whose port is in use (another key server on the same"
        + " host) takes the next free one, up to spark.port.maxRetries more (default 0: any free"
        + " port; also " + KVStorePortConf.KEY_SERVER_PORT + ")",
        TrainConfig.Builder::keyServerPort);
    addLong("--seed", "N", "seed of the parameter initialization, the shuffle and the random"
        + " augmentations (default 42)",
        TrainConfig.Builder::seed);
    addInt("--disp-batches", "N", "print progress every N batches (default 50)",
        TrainConfig.Builder::dispBatches);
    addDouble("--scale", "X", "factor applied to pixel values, after --mean-rgb and before"
        + " --std-rgb for decoded images (default 0.00392156862745098 = 1/255; MXNet's"
        + " ImageRecordIter defaults to 1)", (b, x) -> b.scale((float) x));
    addInts("--data-shape", "C,H,W", "records hold encoded images (JPEG, PNG: kindling im2rec's"
        + " output), decoded with OpenCV and cropped to this shape as MXNet's ImageRecordIter"
        + " data_shape (C 1, 3 or 4; also --image-shape); the network's input shape; without it"
        + " records hold raw pixels", (b, v) -> b.imageOptions().dataShape(v));
    addInt("--resize", "N", "with --data-shape: resize the shorter side to N before cropping"
        + " (default: no resize)", (b, v) -> b.imageOptions().resize(v));
    addFlag("--rand-crop", "with --data-shape: random crops in training instead of centred"
        + " ones (also --random-crop)", (b, v) -> b.imageOptions().randCrop(v));
    addFlag("--rand-mirror", "with --data-shape: flip training images left-right with"
        + " probability 1/2 (also --random-mirror)", (b, v) -> b.imageOptions().randMirror(v));
    add("--mean-rgb", "R,G,B", "with --data-shape: subtracted per channel (MXNet's mean_r,"
        + " mean_g, mean_b; default 0,0,0; also --rgb-mean)",
        (b, v) -> b.imageOptions().meanRgb(parseFloats("--mean-rgb", v)));
    add("--std-rgb", "R,G,B", "with --data-shape: divides per channel (MXNet's std_r, std_g,"
        + " std_b; default 1,1,1; also --rgb-std)",
        (b, v) -> b.imageOptions().stdRgb(parseFloats("--std-rgb", v)));
    addInt("--inter-method", "N", "with --data-shape: the resize's interpolation, 1 bilinear"
        + " (default), 2 cubic, 3 area, 4 Lanczos, 9 auto", (b, v) -> b.imageOptions()
        .interMethod(v));
    addInt("--preprocess-threads", "N", "with --data-shape: decoding threads per worker"
        + " (default 4; also --data-nthreads)", (b, v) -> b.imageOptions().preprocessThreads(v));
    add("--master", "URL", "Spark master, only for embedded runs (spark-submit sets its own)",
        TrainConfig.Builder::master);
    add("--memory-limit", "SIZE", "cap on Kindling's native array memory in each JVM, e.g. 2g"
        + " (sets " + MemoryLimit.KEY + "; default: the JVM's -Xmx)",
        TrainConfig.Builder::memoryLimit);
    add("--accel", "MODE", "accelerated CPU kernels (oneDNN, Winograd): auto (default: where"
        + " their rules hold), off (the default kernels) or force (fail where they cannot run);"
        + " sets " + CpuAccelConf.MODE, TrainConfig.Builder::accel);
    add("--threads", "N", "OpenMP threads of each oneDNN call (sets " + CpuAccelConf.THREADS
        + "; default: the thread budget's BLAS threads)", TrainConfig.Builder::threads);
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

  private static void addFlag(String name, String help,
      BiConsumer<TrainConfig.Builder, Boolean> set) {
    OPTIONS.put(name, new Opt(name, null, help, (b, v) -> set.accept(b, parseBool(name, v))));
  }

  private static void optimizerParams(TrainConfig.Builder b, String text) {
    List<String> pairs = new ArrayList<>();
    for (String token : text.trim().split("[,\\s]+")) {
      if (token.isEmpty()) {
        continue;
      }
      if (token.indexOf('=') < 0 && !pairs.isEmpty()) {
        // a list value such as lr_scheduler.step=10,20 was split at its comma
        pairs.set(pairs.size() - 1, pairs.get(pairs.size() - 1) + "," + token);
      } else {
        pairs.add(token);
      }
    }
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new IllegalArgumentException("--optimizer-params needs KEY=VALUE pairs separated by"
            + " commas, got '" + p + "' in '" + text + "'");
      }
      b.optimizerParam(p.substring(0, eq), p.substring(eq + 1));
    }
  }

  /** Splits {@code a,b(x=1, y=2),c} at the commas outside brackets and quotes. */
  static List<String> splitTopLevel(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(text.substring(start, i).trim());
        start = i + 1;
      }
    }
    out.add(text.substring(start).trim());
    out.removeIf(String::isEmpty);
    return out;
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
      Opt opt = OPTIONS.get(ALIASES.getOrDefault(name, name));
      if (opt == null) {
        throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
      }
      if (opt.value() == null) {
        opt.set().accept(into, value == null ? "true" : value);
        continue;
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
    s.append("parameter server on the driver (MXNet's dist_device_sync: the tasks of an\n");
    s.append("executor sum first), writing MXNet checkpoints\n");
    s.append("and the training history; --begin-epoch N resumes from checkpoint N.\n\n");
    s.append("Options:\n");
    List<String> lefts = new ArrayList<>();
    int width = 0;
    for (Opt o : OPTIONS.values()) {
      String left = o.value() == null ? o.name() : o.name() + " " + o.value();
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

  private static boolean parseBool(String option, String v) {
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(option + " takes no value, or true/false;"
          + " got '" + v + "'");
    };
  }

  private static float[] parseFloats(String option, String v) {
    String[] parts = v.trim().split(",");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = (float) parseDouble(option, parts[i]);
    }
    return out;
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
