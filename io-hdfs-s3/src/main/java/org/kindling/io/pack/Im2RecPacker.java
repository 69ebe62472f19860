package org.kindling.io.pack;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.kindling.io.HadoopFiles;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.RecordIO;
import org.kindling.tensor.FormatException;

/**
 * The pass-through mode of MXNet's {@code im2rec}: for each line {@code index \t label... \t
 * path} of a {@code .lst} file, reads {@code root/path} as-is (no decoding or resizing) and writes
 * {@code pack(IRHeader(0, label, index, 0), bytes)} under index key {@code index}.
 *
 * <p>Labels follow im2rec: the first label only, unless {@code packLabel} is set and the line has
 * several, in which case all of them are packed as a label array ({@code flag = n}). Output is
 * {@code <out>.rec} + {@code <out>.idx}, written atomically.
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

  /**
   * Packs every entry of {@code lst}.
   *
   * @param lst the {@code .lst} file
   * @param root directory the relative paths are resolved against
   * @param outPrefix output prefix: writes {@code outPrefix.rec} and {@code outPrefix.idx}
   * @param packLabel pack all labels of multi-label lines (im2rec's {@code --pack-label})
   * @param conf Hadoop configuration
   * @throws FormatException for a malformed {@code .lst} line
   * @throws java.io.FileNotFoundException if a listed file is missing; nothing is written then
   */
  public static Result pack(Path lst, Path root, Path outPrefix, boolean packLabel,
      Configuration conf) throws IOException {
    Objects.requireNonNull(lst, "lst");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(outPrefix, "outPrefix");
    FileSystem rootFs = HadoopFiles.fileSystem(root, conf);
    long count = 0;
    try (ListFile list = ListFile.open(lst, conf);
        AtomicRecordOutput out = AtomicRecordOutput.create(outPrefix, conf)) {
      ListFile.Entry e;
      while ((e = list.next()) != null) {
        ImageRecordHeader header = packLabel && e.labels().length > 1
            ? ImageRecordHeader.ofLabels(e.labels(), e.index(), 0)
            : ImageRecordHeader.of(e.labels()[0], e.index(), 0);
        byte[] content = readFile(rootFs, new Path(root, e.path()),
            RecordIO.MAX_RECORD_LENGTH - 1 - ImageRecordHeader.BYTES - 4 * e.labels().length);
        out.writer().write(e.index(), ImageRecordHeader.pack(header, content));
        count++;
      }
      out.commit();
      return new Result(count, out.recPath(), out.idxPath());
    }
  }

  private static byte[] readFile(FileSystem fs, Path path, int maxBytes) throws IOException {
    FileStatus status = fs.getFileStatus(path);
    if (!status.isFile()) {
      throw new IOException(path + " listed in the .lst file is not a regular file");
    }
    if (status.getLen() > maxBytes) {
      throw new IOException(path + " has " + status.getLen() + " bytes; one RecordIO record holds"
          + " at most " + maxBytes + " bytes of content");
    }
    byte[] bytes = new byte[(int) status.getLen()];
    try (InputStream in = fs.open(path)) {
      int done = 0;
      while (done < bytes.length) {
        int r = in.read(bytes, done, bytes.length - done);
        if (r < 0) {
          throw new IOException(path + " shrank while being read: got " + done + " of "
              + bytes.length + " bytes");
        }
        done += r;
      }
    }
    return bytes;
  }
}
