package org.kindling.io.image;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Encodes pixels to PNG or JPEG with OpenCV's {@code imencode}, as MXNet's {@code im2rec} does
 * ({@code cv2.imencode} with {@code IMWRITE_JPEG_QUALITY} or {@code IMWRITE_PNG_COMPRESSION}),
 * and decodes an image with its own channels ({@link #decode}).
 */
public final class ImageCodec {
  private ImageCodec() {}

  /**
   * Decoded 8-bit pixels: {@code height * width * channels} bytes, rows top to bottom, channels
   * in OpenCV's order (grey; B, G, R; or B, G, R, A), as Spark's {@code ImageSchema} holds them.
   */
  public record Pixels(int height, int width, int channels, byte[] data) {}

  /**
   * Decodes {@code len} bytes of {@code buf} from {@code off} as they are ({@code
   * IMREAD_UNCHANGED}: grey stays 1 channel, an alpha channel is kept, EXIF orientation is not
   * applied); 16-bit images become 8-bit ({@code v / 256}).
   *
   * @throws IllegalArgumentException saying why if OpenCV cannot decode the bytes, or they hold
   *     another number of channels than 1, 3 or 4
   */
  public static Pixels decode(byte[] buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0) {
      throw new IllegalArgumentException("the image content is empty");
    }
    Mat img;
    try (Mat src = new Mat(1, len, CV_8U)) {
      src.data().put(buf, off, len);
      img = imdecode(src, IMREAD_UNCHANGED);
    }
    try (Mat decoded = img) {
      if (decoded == null || decoded.empty()) {
        throw new IllegalArgumentException("the " + len + " bytes are not an image OpenCV can"
            + " decode (PNG, JPEG, ...)");
      }
      int c = decoded.channels();
      if (c != 1 && c != 3 && c != 4) {
        throw new IllegalArgumentException("the image has " + c + " channels; 1, 3 or 4 are"
            + " supported");
      }
      if (decoded.depth() != CV_8U && decoded.depth() != CV_16U) {
        throw new IllegalArgumentException("the image has OpenCV depth " + decoded.depth()
            + "; 8- and 16-bit images are supported");
      }
      try (Mat eight = new Mat()) {
        Mat px = decoded;
        if (decoded.depth() == CV_16U) {
          decoded.convertTo(eight, CV_8UC(c), 1.0 / 256, 0);
          px = eight;
        }
        byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(px.rows(), px.cols()), c)];
        px.data().get(data);
        return new Pixels(px.rows(), px.cols(), c, data);
      }
    }
  }

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
