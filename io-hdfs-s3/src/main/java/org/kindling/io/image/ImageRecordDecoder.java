package org.kindling.io.image;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.kindling.tensor.FormatException;

/**
 * Decodes encoded image records (PNG, JPEG) one at a time into {@code C*H*W} float32 values,
 * exactly as {@link ImageRecordIter}'s validation pass does with the same {@link ImageAugParams}
 * (OpenCV decode, shorter-side resize, centre crop, mean/std/scale; no random augmentation): for
 * callers that keep each record's values with its own row, such as a scoring DataFrame.
 * Thread-safe.
 */
public final class ImageRecordDecoder {
  private final ImageAugmenter augmenter;
  private final int size;

  /**
   * @param params the decoding settings; must draw no random numbers
   * @throws IllegalArgumentException if {@code params} asks for a random crop or mirror
   */
  public ImageRecordDecoder(ImageAugParams params) {
    if (params.isRandom()) {
      throw new IllegalArgumentException("a record decoder gives each record one value: it takes"
          + " centre crops without mirroring, but the parameters ask for random augmentation");
    }
    this.augmenter = new ImageAugmenter(params);
    this.size = params.dataShape().intSize();
  }

  /** Values per record, {@code C*H*W}. */
  public int size() {
    return size;
  }

  /**
   * The values of {@code rec}'s content, decoded where it lies (no copy of a view's chunk).
   *
   * @param file the record's file, for errors
   * @param offset the record's byte offset in {@code file}, for errors
   * @throws FormatException naming {@code file} and {@code offset} if the content does not
   *     decode, has the wrong number of channels, or is smaller than the crop
   */
  public float[] values(ImageRecord rec, String file, long offset) throws FormatException {
    ByteBuffer content = rec.contentView();
    byte[] bytes = content.hasArray() ? content.array() : rec.content();
    int from = content.hasArray() ? content.arrayOffset() + content.position() : 0;
    float[] out = new float[size];
    try {
      // never drawn from: the parameters are not random
      augmenter.process(bytes, from, content.remaining(), new SplittableRandom(0), out, 0);
    } catch (ImageAugmenter.BadImageException e) {
      throw new FormatException(file, offset, "image record id "
          + Long.toUnsignedString(rec.header().id()) + ": " + e.getMessage());
    }
    return out;
  }
}
