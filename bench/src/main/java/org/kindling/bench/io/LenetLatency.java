package org.kindling.bench.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.io.recordio.RecordIOWriter;
import org.kindling.io.source.ReadOptions;
import org.kindling.io.split.PrefetchingRecordSource;
import org.kindling.io.split.RecordIOSplit;
import org.kindling.symbol.init.Xavier;
import org.kindling.symbol.module.Module;
import org.kindling.symbol.optimizer.SGD;
import org.kindling.symbol.zoo.Zoo;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataBatch;
import org.kindling.tensor.data.DataIter;
import org.kindling.tensor.engine.Engines;

/**
 * Whether read-ahead hides a store's latency from training (issue 9): LeNet steps (batch 64, a
 * task's reading stack: part reader, {@link PrefetchingRecordSource}, {@link RawImageRecordIter})
 * on 28x28 raw records read from {@code file://} and from {@code delayed://} ({@link
 * DelayedFileSystem}: 50 ms before every ranged read), runs alternating, for several prefetch
 * settings.
 *
 * <p>Wall time per step is reported (median and range over the runs), but on a shared machine its
 * spread is larger than the 5% being tested. The decidable figure is the time per step the
 * training thread waited for records ({@link PrefetchingRecordSource#waitNanos()}): the delay is a
 * sleep on reader threads, costing no CPU, so the only way it can lengthen a step is by making the
 * training thread wait for data. Each step waits for the engine before the next batch is asked
 * for (as a task's per-step metric update does), so that wait adds to the step: the extra wait per
 * step with the delay, over the step time, is the share of the step the latency costs. On a
 * machine loaded by other work the reader threads also wait for a core after each delay, which
 * the delay-free run does not show; the same reading stack under a consumer that spends {@value
 * #SLEEPING_STEP_MS} ms per batch without using a core (a sleep) separates what the prefetch
 * design hides from that contention.
 */
final class LenetLatency {
  private static final int BATCH = 64;
  private static final int RECORDS = 5120;
  private static final int ROUNDS = 5;
  private static final int WARMUP_STEPS = 5;
  private static final int SLEEPING_STEP_MS = 50;

  private LenetLatency() {}

  /** One run's figures per timed step. */
  private record Run(double wallMs, double waitMs) {}

  static void run(Path dir, int steps) throws IOException {
    Path rec = writeRaw28(dir.resolve("lenet.rec"), RECORDS);
    System.out.printf(Locale.ROOT, "LeNet training steps, batch %d, on %d 28x28 raw records"
        + " (%.1f MB; a pass is %d steps), %d steps per run after %d warm-up steps, runs"
        + " alternating without/with 50 ms per ranged read, %d rounds; median (min-max) over the"
        + " rounds. \"wait\" is the time per step the training thread waited for records; the"
        + " column \"latency's share\", (wait with delay - wait without) / step time without, is"
        + " the share of the step the latency costs (each step waits for the engine before the"
        + " next batch is asked for). The last two columns: the same reading under a"
        + " consumer that sleeps %d ms per batch (no CPU), wait ms/step without and with the"
        + " delay:%n%n", BATCH, RECORDS, Files.size(rec) / 1048576.0,
        RECORDS / BATCH, steps, WARMUP_STEPS, ROUNDS, SLEEPING_STEP_MS);
    System.out.println("| prefetch (chunk, reader threads, queue chunks) | requests per pass |"
        + " ms/step, no delay | ms/step, 50 ms per request | with / without | wait ms/step,"
        + " no delay | wait ms/step, delay | latency's share of the step | sleeping consumer:"
        + " wait, no delay | wait, delay |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (ReadOptions o : List.of(new ReadOptions(ReadOptions.DEFAULT_CHUNK_BYTES,
            ReadOptions.DEFAULT_THREADS, ReadOptions.DEFAULT_QUEUE_CHUNKS),
        new ReadOptions(64 << 10, 2, 4), new ReadOptions(64 << 10, 4, 8),
        new ReadOptions(16 << 10, 4, 8))) {
      double[] wallPlain = new double[ROUNDS];
      double[] wallDelayed = new double[ROUNDS];
      double[] waitPlain = new double[ROUNDS];
      double[] waitDelayed = new double[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        Run plain = steps(rec.toUri().toString(), o, steps);
        Run delayed = steps("delayed://" + rec.toUri().getPath(), o, steps);
        wallPlain[round] = plain.wallMs();
        wallDelayed[round] = delayed.wallMs();
        waitPlain[round] = plain.waitMs();
        waitDelayed[round] = delayed.waitMs();
      }
      double a = median(wallPlain);
      double b = median(wallDelayed);
      System.out.printf(Locale.ROOT, "| %d KiB, %d, %d | %d | %s | %s | %.3f | %s | %s | %.1f%% |"
              + " %.2f | %.2f |%n",
          o.chunkBytes() >> 10, o.threads(), o.queueChunks(),
          (Files.size(rec) + o.chunkBytes() - 1) / o.chunkBytes(), spread(wallPlain),
          spread(wallDelayed), b / a, spread(waitPlain), spread(waitDelayed),
          100 * (median(waitDelayed) - median(waitPlain)) / a,
          sleepingWaitMs(rec.toUri().toString(), o, steps),
          sleepingWaitMs("delayed://" + rec.toUri().getPath(), o, steps));
    }
  }

  /**
   * Wait per step of a consumer that takes a batch's records and then sleeps {@value
   * #SLEEPING_STEP_MS} ms, after the same warm-up as the training runs.
   */
  private static double sleepingWaitMs(String uri, ReadOptions o, int steps)
      throws IOException {
    try (PrefetchingRecordSource records = new PrefetchingRecordSource(
        RecordIOSplit.open(uri, conf(o)).openPart(0, 1))) {
      long wait0 = 0;
      for (int s = 0; s < WARMUP_STEPS + steps; s++) {
        if (s == WARMUP_STEPS) {
          wait0 = records.waitNanos();
        }
        for (int i = 0; i < BATCH; i++) {
          if (records.next() == null) {
            records.reset();
          }
        }
        try {
          Thread.sleep(SLEEPING_STEP_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted");
        }
      }
      return (records.waitNanos() - wait0) / 1e6 / steps;
    }
  }

  private static Configuration conf(ReadOptions o) {
    Configuration conf = new Configuration();
    conf.set("fs.delayed.impl", DelayedFileSystem.class.getName());
    conf.setInt(ReadOptions.CHUNK_BYTES_KEY, o.chunkBytes());
    conf.setInt(ReadOptions.THREADS_KEY, o.threads());
    conf.setInt(ReadOptions.QUEUE_CHUNKS_KEY, o.queueChunks());
    return conf;
  }

  private static Run steps(String uri, ReadOptions o, int steps) throws IOException {
    RecordIOSplit split = RecordIOSplit.open(uri, conf(o));
    PrefetchingRecordSource records = new PrefetchingRecordSource(split.openPart(0, 1));
    try (DataIter data = RawImageRecordIter.builder(records, Shape.of(1, 28, 28), BATCH)
            .scale(1f / 255).build();
        Module module = new Module(Zoo.get("lenet", 10, Shape.of(1, 28, 28)))) {
      module.bind(Shape.of(BATCH, 1, 28, 28), Shape.of(BATCH), true);
      module.initParams(new Xavier(42));
      module.initOptimizer(null, SGD.builder().learningRate(0.05f).momentum(0.9f)
          .rescaleGrad(1f / BATCH).build());
      train(module, data, WARMUP_STEPS);
      Engines.get().waitAll();
      long wait0 = records.waitNanos();
      long t0 = System.nanoTime();
      train(module, data, steps);
      Engines.get().waitAll();
      return new Run((System.nanoTime() - t0) / 1e6 / steps,
          (records.waitNanos() - wait0) / 1e6 / steps);
    }
  }

  private static void train(Module module, DataIter data, int steps) throws IOException {
    for (int s = 0; s < steps; s++) {
      DataBatch next = data.next();
      if (next == null) {
        data.reset();
        next = data.next();
      }
      try (DataBatch batch = next) {
        module.forwardBackward(batch);
        module.update();
        // Each step ends as a training task's does when its metric reads the outputs: the next
        // batch is asked for only then, so any wait for it adds to the step instead of hiding
        // behind the engine's asynchronous work.
        Engines.get().waitAll();
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** {@code median (min-max)}. */
  private static String spread(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    String f = s[s.length - 1] < 10 ? "%.2f" : "%.1f";
    return String.format(Locale.ROOT, f + " (" + f + "-" + f + ")", median(v), s[0],
        s[s.length - 1]);
  }

  /** {@code records} 28x28 raw image records of random pixels, labels 0-9. */
  static Path writeRaw28(Path file, int records) throws IOException {
    Random r = new Random(7);
    try (OutputStream out = Files.newOutputStream(file);
        RecordIOWriter w = new RecordIOWriter(out)) {
      for (int i = 0; i < records; i++) {
        byte[] px = new byte[28 * 28];
        r.nextBytes(px);
        w.write(ImageRecordHeader.pack(ImageRecordHeader.of(i % 10, i, 0), px));
      }
    }
    return file;
  }
}
