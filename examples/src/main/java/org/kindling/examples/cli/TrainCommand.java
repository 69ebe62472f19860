package org.kindling.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.kindling.examples.EmbeddedSpark;
import org.kindling.spark.TrainArgs;
import org.kindling.spark.TrainConfig;
import org.kindling.spark.TrainJob;
import org.kindling.spark.TrainResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code kindling train ...}: the {@code spark-submit} training job ({@link TrainJob}) on an
 * embedded Spark; takes exactly TrainJob's options, with {@code --master} defaulting to
 * {@code local[2]}.
 */
@Command(
    name = "train",
    description = "Runs the training job (the options of spark-submit --class"
        + " org.kindling.spark.TrainJob) on an embedded Spark, master local[2] unless --master"
        + " is given. Try 'kindling train --help' for the options.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    String[] a = args.toArray(new String[0]);
    if (TrainArgs.wantsHelp(a)) {
      spec.commandLine().getOut().print(TrainArgs.usage("kindling train"));
      spec.commandLine().getOut().flush();
      return 0;
    }
    TrainConfig config;
    try {
      config = TrainArgs.parseToBuilder(a, TrainConfig.builder().master("local[2]")).build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    SparkSession spark = EmbeddedSpark.start(config.master(), "kindling-train",
        config.sessionConf());
    try {
      TrainResult r = TrainJob.run(spark, config, spec.commandLine().getErr()::println);
      spec.commandLine().getOut().println(TrainJob.summary(r));
      spec.commandLine().getOut().flush();
      return 0;
    } finally {
      spark.stop();
    }
  }
}
