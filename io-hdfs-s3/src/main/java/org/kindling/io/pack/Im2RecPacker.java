package org.kindling.io.pack;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.image.ImageTranscoder;
import org.kindling.io.recordio.RecordIO;
import org.kindling.io.source.ByteSource;
import org.kindling.io.source.ByteStore;
import org.kindling.io.source.ByteStores;
import org.kindling.io.source.StoreEntry;
import org.kindling.tensor.FormatException;

/**
 * MXNet's {@code im2rec} packing: for each line {@code index \t label... \t path} of a {@code .lst}
 * file, reads {@code root/path}, either as-is ({@code --pass-through}) or re-encoded by an {@link
 * ImageTranscoder} (decode, centre crop, resize, encode with a quality), and writes {@code
 * pack(IRHeader(0, label, index, 0), bytes)} under index key {@code index}, in list order
 * whatever the number of threads (im2rec's multi-process mode reorders; this does not).
 *
 * <p>Labels follow im2rec: the first label only, unless {@code packLabel} is set and the line has
 * several, in which case all of them are packed as a label array ({@code flag = n}). Output is
 * {@code <out>.rec} + {@code <out>.idx}, written atomically. A file that is missing or does not
 * decode is an error naming it (im2rec prints the error and leaves the image out).
 */
public final class Im2RecPacker {
  private Im2RecPacker() {}

  /**
   * What was written.
   *
   * @param records number of records
   * @param recFile the {@code .rec} written
   * @param idxFile the {@code .idx} written
   */
  public record Result(long records, Path recFile, Path idxFile) {}

  /** Pass-through packing: {@code pack(lst, root, outPrefix, packLabel, null, 1, conf)}. */
  public static Result pack(Path lst, Path root, Path outPrefix, boolean packLabel,
      Configuration conf) throws IOException {
    return pack(lst, root, outPrefix, packLabel, null, 1, conf);
  }

  /**
   * Packs every entry of {@code lst}.
   *
   * @param lst the {@code .lst} file
   * @param root directory the relative paths are resolved against
   * @param outPrefix output prefix: writes {@code outPrefix.rec} and {@code outPrefix.idx}
   * @param packLabel pack all labels of multi-label lines (im2rec's {@code --pack-label})
   * @param transcoder re-encodes each image, or {@code null} to store the files as they are
   * @param threads threads reading and re-encoding images (im2rec's {@code --num-thread})
   * @param conf Hadoop configuration
   * @throws FormatException for a malformed {@code .lst} line
   * @throws java.io.FileNotFoundException if a listed file is missing; nothing is written then
   * @throws IOException naming the file if an image does not decode
   */
  public static Result pack(Path lst, Path root, Path outPrefix, boolean packLabel,
      ImageTranscoder transcoder, int threads, Configuration conf) throws IOException {
    Objects.requireNonNull(lst, "lst");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(outPrefix, "outPrefix");
    if (threads < 1) {
      throw new IllegalArgumentException("--num-thread " + threads + " must be at least 1");
    }
    ByteStore rootStore = ByteStores.forPath(root, conf);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "kindling-im2rec");
      t.setDaemon(true);
      return t;
    });
    ArrayDeque<Future<Packed>> inflight = new ArrayDeque<>();
    long count = 0;
    try (ListFile list = ListFile.open(lst, conf);
        AtomicRecordOutput out = AtomicRecordOutput.create(outPrefix, conf)) {
      boolean more = true;
      while (more || !inflight.isEmpty()) {
        while (more && inflight.size() < 4 * threads) {
          ListFile.Entry e = list.next();
          if (e == null) {
            more = false;
          } else {
            inflight.add(pool.submit(() -> record(rootStore, root, e, packLabel, transcoder, conf)));
          }
        }
        if (!inflight.isEmpty()) {
          Packed p = take(inflight.poll());
          out.writer().write(p.index(), p.record());
          count++;
        }
      }
      out.commit();
      return new Result(count, out.recPath(), out.idxPath());
    } finally {
      pool.shutdownNow();
    }
  }

  /** A record and its index key. */
  private record Packed(long index, byte[] record) {}

  private static Packed take(Future<Packed> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while packing images", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause().getMessage(), e.getCause());
    }
  }

  private static Packed record(ByteStore store, Path root, ListFile.Entry e, boolean packLabel,
      ImageTranscoder transcoder, Configuration conf) throws IOException {
    ImageRecordHeader header = packLabel && e.labels().length > 1
        ? ImageRecordHeader.ofLabels(e.labels(), e.index(), 0)
        : ImageRecordHeader.of(e.labels()[0], e.index(), 0);
    int maxContent = RecordIO.MAX_RECORD_LENGTH - 1 - ImageRecordHeader.BYTES
        - 4 * e.labels().length;
    Path path = new Path(root, e.path());
    byte[] content = readFile(store, path, maxContent, conf);
    if (transcoder != null) {
      try {
        content = transcoder.transcode(content);
      } catch (IllegalArgumentException bad) {
        throw new IOException(path + " (line index " + e.index() + " of the .lst): "
            + bad.getMessage(), bad);
      }
      if (content.length > maxContent) {
        throw new IOException(path + " re-encodes to " + content.length + " bytes; one RecordIO"
            + " record holds at most " + maxContent + " bytes of content");
      }
    }
    return new Packed(e.index(), ImageRecordHeader.pack(header, content));
  }

  /** One image, whole, through its store (one ranged read; on S3 a HEAD and a GET). */
  private static byte[] readFile(ByteStore store, Path path, int maxBytes, Configuration conf)
      throws IOException {
    StoreEntry file = store.file(store.qualify(path));
    if (file == null) {
      if (store.stat(store.qualify(path)) != null) {
        throw new IOException(path + " listed in the .lst file is not a regular file");
      }
      throw new FileNotFoundException(path + " listed in the .lst file does not exist");
    }
    if (file.size() > maxBytes) {
      throw new IOException(path + " has " + file.size() + " bytes; one RecordIO record holds"
          + " at most " + maxBytes + " bytes of content");
    }
    byte[] bytes = new byte[(int) file.size()];
    try (ByteSource source = ByteStores.open(store, file, conf)) {
      source.readFully(0, bytes, 0, bytes.length);
    }
    return bytes;
  }
}
