package org.kindling.io.split;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.RecordSource;
import org.kindling.io.RecordView;

/**
 * The logic of {@code kindling recordio dump [--part K/N] [--hex] DATA}: one line per logical
 * record of the data set (a file, a {@code ;} list, a directory or a pattern), or of part K of N
 * of it, partitioned as {@link RecordIOSplit} does:
 *
 * <pre>index TAB file TAB offset TAB length TAB sha256-hex [TAB payload-hex]</pre>
 *
 * where {@code index} counts from 0 within the part, {@code file} is the record's own file as the
 * data set resolved it (a part may span files: every line names its file, so {@code file} and
 * {@code offset} find the record again), {@code offset} is the byte offset in that file of the
 * record's first physical part, {@code length} the logical payload length, and both hex columns
 * are lowercase. Lines end with {@code \n}.
 *
 * <p>With an index ({@code --idx}, MXNet's {@code path_imgidx}) the parts are the index-based
 * ones of {@link IndexedSplit} and the records come in offset order, as MXNet's {@code
 * ImageRecordIter(path_imgrec, path_imgidx, num_parts, part_index)} yields them unshuffled, or
 * in the order of one epoch of {@code shuffle=True, seed} ({@link MxnetOrder}, decision 0068).
 */
public final class RecordIODump {
  private static final HexFormat HEX = HexFormat.of();

  private RecordIODump() {}

  /**
   * Which part to dump.
   *
   * @param index K, in {@code [0, count)}
   * @param count N, at least 1
   */
  public record Part(int index, int count) {
    /** The whole file: part 0 of 1. */
    public static final Part WHOLE = new Part(0, 1);

    public Part {
      if (count < 1 || index < 0 || index >= count) {
        throw new IllegalArgumentException(
            "part " + index + "/" + count + ": need N >= 1 and 0 <= K < N");
      }
    }

    /**
     * Parses the CLI form {@code K/N}.
     *
     * @throws IllegalArgumentException if the text is not two integers with {@code 0 <= K < N}
     */
    public static Part parse(String text) {
      String[] kn = text.strip().split("/", -1);
      if (kn.length != 2) {
        throw new IllegalArgumentException("--part expects K/N (e.g. 0/4), got '" + text + "'");
      }
      try {
        return new Part(Integer.parseInt(kn[0].strip()), Integer.parseInt(kn[1].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--part expects K/N (e.g. 0/4), got '" + text + "'");
      }
    }
  }

  /**
   * An epoch of MXNet's shuffled order of an index-based part: the order {@code
   * ImageRecordIter(..., path_imgidx, shuffle=True, seed=seed)} reads epoch {@code epoch} in
   * ({@link MxnetShuffle}).
   *
   * @param seed MXNet's {@code seed}
   * @param epoch 0 for the first epoch
   */
  public record MxnetOrder(int seed, int epoch) {
    public MxnetOrder {
      if (epoch < 0) {
        throw new IllegalArgumentException("epoch " + epoch + " must be >= 0");
      }
    }
  }

  /** Dumps {@code path}; see {@link #dump(String, Configuration, Part, boolean, Appendable)}. */
  public static long dump(Path path, Configuration conf, Part part, boolean hex, Appendable out)
      throws IOException {
    return dump(path.toString(), conf, part, hex, out);
  }

  /**
   * Writes one line per record of part {@code part} of the RecordIO data at {@code uri}.
   *
   * @param uri a file path or URI (any form {@link RecordIOSplit#open} accepts)
   * @param conf Hadoop configuration
   * @param part the part to dump ({@link Part#WHOLE} for everything)
   * @param hex whether to append the payload in hex as a fifth column
   * @param out where the lines go (a {@code PrintStream}, {@code StringBuilder}, ...)
   * @return the number of records written
   * @throws org.kindling.tensor.FormatException if the file is corrupt
   */
  public static long dump(String uri, Configuration conf, Part part, boolean hex, Appendable out)
      throws IOException {
    return dump(uri, null, conf, part, hex, out);
  }

  /**
   * Writes one line per record of part {@code part} of the RecordIO data at {@code uri}, the parts
   * cut by byte ranges ({@code idxUri} null) or through the index {@code idxUri}.
   *
   * @param idxUri null, or one index for the data set or one per {@code ;} entry of {@code uri}
   *     ({@link IndexedSplit#open})
   * @return the number of records written
   * @throws org.kindling.tensor.FormatException if a file or index is corrupt
   */
  public static long dump(String uri, String idxUri, Configuration conf, Part part, boolean hex,
      Appendable out) throws IOException {
    return dump(uri, idxUri, conf, part, hex, null, out);
  }

  /**
   * As {@link #dump(String, String, Configuration, Part, boolean, Appendable)}, skipping broken
   * framing into {@code skips} instead of failing when it is given: to the next record head in
   * byte-range parts ({@link RecordIOSplit#openPart(int, int, FramingSkips)}), the rest of the
   * broken entry through an index ({@link IndexedSplit#openPart(int, int, FramingSkips)}).
   */
  public static long dump(String uri, String idxUri, Configuration conf, Part part, boolean hex,
      FramingSkips skips, Appendable out) throws IOException {
    return dump(uri, idxUri, conf, part, hex, skips, null, out);
  }

  /**
   * As {@link #dump(String, String, Configuration, Part, boolean, FramingSkips, Appendable)},
   * the index-based part's records in MXNet's shuffled order of one epoch when {@code mxnet} is
   * given.
   *
   * @throws IllegalArgumentException if {@code mxnet} is given without an index
   */
  public static long dump(String uri, String idxUri, Configuration conf, Part part, boolean hex,
      FramingSkips skips, MxnetOrder mxnet, Appendable out) throws IOException {
    Objects.requireNonNull(part, "part");
    if (mxnet != null && idxUri == null) {
      throw new IllegalArgumentException("MXNet's shuffled order is an order of index entries:"
          + " give the index (--idx) too");
    }
    Objects.requireNonNull(out, "out");
    MessageDigest sha = sha256();
    long index = 0;
    try (RecordSource reader = idxUri == null
        ? RecordIOSplit.open(uri, conf).openPart(part.index(), part.count(), skips)
        : indexed(uri, idxUri, conf, part, skips, mxnet)) {
      RecordView r;
      // views: the hash and the hex read the record where it was read into, uncopied
      while ((r = reader.nextView()) != null) {
        ByteBuffer payload = r.payload();
        int length = payload.remaining();
        sha.update(payload.duplicate());
        out.append(Long.toString(index)).append('\t')
            .append(r.file()).append('\t')
            .append(Long.toString(r.fileOffset())).append('\t')
            .append(Integer.toString(length)).append('\t')
            .append(HEX.formatHex(sha.digest()));
        if (hex) {
          out.append('\t').append(HEX.formatHex(payload.array(), payload.arrayOffset(),
              payload.arrayOffset() + length));
        }
        out.append('\n');
        index++;
      }
    }
    return index;
  }

  private static IndexedPartReader indexed(String uri, String idxUri, Configuration conf,
      Part part, FramingSkips skips, MxnetOrder mxnet) throws IOException {
    IndexedPartReader reader =
        IndexedSplit.open(uri, idxUri, conf).openPart(part.index(), part.count(), skips);
    if (mxnet != null) {
      MxnetShuffle shuffle = MxnetShuffle.ofSeed(mxnet.seed());
      int[] order = new int[reader.size()];
      for (int e = 0; e <= mxnet.epoch(); e++) {
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        shuffle.shuffle(order);
      }
      reader.order(order);
    }
    return reader;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256, which every Java platform must have",
          e);
    }
  }
}
