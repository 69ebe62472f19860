package org.kindling.io.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Encodes pixels to PNG or JPEG with OpenCV's {@code imencode}, as MXNet's {@code im2rec} does
 * ({@code cv2.imencode} with {@code IMWRITE_JPEG_QUALITY} or {@code IMWRITE_PNG_COMPRESSION}).
 */
public final class ImageCodec {
  private ImageCodec() {}

  /**
   * Encodes an image.
   *
   * @param pixels {@code height * width * channels} bytes, rows top to bottom, channels in
   *     OpenCV's order (grey; B, G, R; or B, G, R, A)
   * @param format {@code ".png"} or {@code ".jpg"}
   * @param quality JPEG quality 1..100, or PNG compression level 0..9 (im2rec's {@code --quality})
   * @return the encoded bytes
   * @throws IllegalArgumentException if the sizes disagree or OpenCV cannot encode
   */
  public static byte[] encode(byte[] pixels, int height, int width, int channels, String format,
      int quality) {
    Objects.requireNonNull(pixels, "pixels");
    if (height < 1 || width < 1 || (channels != 1 && channels != 3 && channels != 4)
        || (long) height * width * channels != pixels.length) {
      throw new IllegalArgumentException(pixels.length + " bytes are not a " + height + "x"
          + width + "x" + channels + " image (1, 3 or 4 channels)");
    }
    boolean jpeg = format.equals(".jpg") || format.equals(".jpeg");
    if (!jpeg && !format.equals(".png")) {
      throw new IllegalArgumentException("format " + format + " must be .png or .jpg");
    }
    try (Mat m = new Mat(height, width, CV_8UC(channels))) {
      m.data().put(pixels, 0, pixels.length);
      return encode(m, format, quality);
    }
  }

  /**
   * Encodes {@code img} as {@code format} ({@code .jpg}/{@code .jpeg} with {@code
   * IMWRITE_JPEG_QUALITY}, else {@code .png} with {@code IMWRITE_PNG_COMPRESSION}).
   *
   * @throws IllegalArgumentException if OpenCV cannot encode it
   */
  static byte[] encode(Mat img, String format, int quality) {
    boolean jpeg = format.equals(".jpg") || format.equals(".jpeg");
    try (BytePointer out = new BytePointer();
        IntPointer params = new IntPointer(
            jpeg ? IMWRITE_JPEG_QUALITY : IMWRITE_PNG_COMPRESSION, quality)) {
      if (!imencode(format, img, out, params)) {
        throw new IllegalArgumentException("OpenCV could not encode a " + img.cols() + "x"
            + img.rows() + "x" + img.channels() + " image as " + format);
      }
      byte[] bytes = new byte[(int) out.limit()];
      out.get(bytes);
      return bytes;
    }
  }
}
