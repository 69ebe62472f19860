package org.kindling.io.pack;

import java.io.IOException;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.io.image.ImageRecordHeader;
import org.kindling.io.recordio.IndexedRecordIOWriter;
import org.kindling.io.recordio.RecordIO;
import org.kindling.tensor.FormatException;

/**
 * Packs an IDX image file ({@code 0x00000803}: count, rows, cols) and its IDX label file ({@code
 * 0x00000801}: count), plain or gzip-compressed, into {@code <out>.rec} + {@code <out>.idx}.
 *
 * <p>Record {@code i} is {@code pack(IRHeader(flag 0, label = class as float, id = i, id2 = 0),
 * rows*cols raw uint8 pixels)} and its index key is {@code i}, so a {@link
 * org.kindling.io.image.RawImageRecordIter} with data shape {@code (1, rows, cols)} or {@code
 * (rows*cols)} reads it back. The files are streamed (one image in memory at a time) and the
 * output appears atomically.
 */
public final class IdxImagePacker {
  private IdxImagePacker() {}

  /**
   * What was written.
   *
   * @param records number of records (images)
   * @param rows image height
   * @param cols image width
   * @param recFile the {@code .rec} written
   * @param idxFile the {@code .idx} written
   */
  public record Result(long records, int rows, int cols, Path recFile, Path idxFile) {}

  /**
   * Packs the images and labels.
   *
   * @param images IDX image file (optionally {@code .gz})
   * @param labels IDX label file (optionally {@code .gz})
   * @param outPrefix output prefix: writes {@code outPrefix.rec} and {@code outPrefix.idx}
   * @param conf Hadoop configuration for all three locations
   * @throws FormatException if a header is wrong, does not match the file length, the data is
   *     truncated, or the two files hold different counts; nothing is written then
   */
  public static Result pack(Path images, Path labels, Path outPrefix, Configuration conf)
      throws IOException {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(outPrefix, "outPrefix");
    int maxImage = RecordIO.MAX_RECORD_LENGTH - 1 - ImageRecordHeader.BYTES;
    try (IdxFile img = IdxFile.open(images, conf, IdxFile.IMAGES_MAGIC, maxImage);
        IdxFile lab = IdxFile.open(labels, conf, IdxFile.LABELS_MAGIC, 1)) {
      if (img.count() != lab.count()) {
        throw new FormatException(lab.name(), 4, "holds " + lab.count() + " labels, but the image"
            + " file " + img.name() + " holds " + img.count() + " images");
      }
      byte[] pixels = new byte[img.itemSize()];
      byte[] label = new byte[1];
      try (AtomicRecordOutput out = AtomicRecordOutput.create(outPrefix, conf)) {
        IndexedRecordIOWriter writer = out.writer();
        for (long i = 0; i < img.count(); i++) {
          img.readItem(pixels);
          lab.readItem(label);
          ImageRecordHeader header = ImageRecordHeader.of(label[0] & 0xFF, i, 0);
          writer.write(i, ImageRecordHeader.pack(header, pixels));
        }
        img.checkFullyRead();
        lab.checkFullyRead();
        out.commit();
        return new Result(img.count(), img.dim(1), img.dim(2), out.recPath(), out.idxPath());
      }
    }
  }
}
