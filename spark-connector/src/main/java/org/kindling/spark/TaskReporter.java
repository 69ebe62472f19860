package org.kindling.spark;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.module.Module;

/**
 * Where a task's reports go: to the driver through the parameter server's message channel
 * ({@code dist_sync}, where the driver checkpoints the server's weights), or to a tracker and a
 * checkpointer inside the task itself ({@code local}, where the task's module holds the
 * weights and the optimizer).
 */
abstract class TaskReporter implements AutoCloseable {
  /** Sends a progress report. */
  abstract void report(WorkerReport r);

  /** Sends the epoch-end report; the local reporter also checkpoints {@code module}'s state. */
  abstract void epochEnd(WorkerReport r, Module module);

  /** Sends one line for the job's progress output ({@code worker R: text} on the driver). */
  abstract void note(String text);

  /** Tells the driver about a failure before the connection closes. */
  abstract void failed(int rank, Exception e);

  /** Metrics computed in the task (local mode), or an empty list. */
  abstract List<EpochMetrics> finish() throws IOException;

  /** The last epoch's {@code .params} image (local mode), or null. */
  abstract byte[] lastParams();

  @Override
  public abstract void close();

  /**
   * Reports to the driver through the server's messages ({@code DistKVStore.sendMessage} or a
   * level-1 group's); the driver takes the weights from the server.
   */
  static TaskReporter remote(Consumer<String> send) {
    return new TaskReporter() {
      @Override
      void report(WorkerReport r) {
        send.accept(r.encode());
      }

      @Override
      void epochEnd(WorkerReport r, Module module) {
        // rank 0 waits here while the driver snapshots the server's weights
        send.accept(r.encode());
      }

      @Override
      void note(String text) {
        send.accept(text);
      }

      @Override
      void failed(int rank, Exception e) {
        try {
          send.accept(TrainJob.FAILURE_PREFIX + TrainTask.describe(e));
        } catch (RuntimeException ignored) {
          // the connection may be what failed; the task's own exception is reported anyway
        }
      }

      @Override
      List<EpochMetrics> finish() {
        return List.of();
      }

      @Override
      byte[] lastParams() {
        return null;
      }

      @Override
      public void close() {}
    };
  }

  /** Tracks and checkpoints inside the task ({@code --kvstore local}). */
  static TaskReporter local(TrainConfig config, Symbol symbol, Configuration conf)
      throws IOException {
    ProgressTracker tracker = new ProgressTracker(1, config.beginEpoch(), config.epochs(),
        config.metrics(), System.out::println, System::nanoTime, null);
    EpochCheckpointer ckpt = new EpochCheckpointer(config, symbol, conf, tracker,
        System.out::println);
    ckpt.writeSymbol();
    return new TaskReporter() {
      @Override
      void report(WorkerReport r) {
        tracker.onReport(0, r);
      }

      @Override
      void epochEnd(WorkerReport r, Module module) {
        tracker.onReport(0, r);
        ckpt.onEpochEnd(new EpochCheckpointer.EpochState(r.epoch(), module.getParams(),
            module.getAuxParams(), module.saveOptimizerStates()));
      }

      @Override
      void note(String text) {
        System.out.println("worker 0: " + text);
      }

      @Override
      void failed(int rank, Exception e) {
        tracker.abort(e);
      }

      @Override
      List<EpochMetrics> finish() throws IOException {
        try {
          return ckpt.finish();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while writing checkpoints");
        }
      }

      @Override
      byte[] lastParams() {
        return ckpt.lastParams();
      }

      @Override
      public void close() {
        ckpt.close();
      }
    };
  }
}
