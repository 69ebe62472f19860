package org.kindling.io.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import java.util.SplittableRandom;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Decodes one encoded image (PNG, JPEG or any format OpenCV reads) and turns it into {@code C*H*W}
 * float32 values as MXNet's {@code ImageRecordIOParser2::ParseChunk} with the default augmenter
 * does: decode with OpenCV ({@code imdecode}, EXIF orientation ignored as libjpeg-turbo's decoder
 * in MXNet does), shorter-side resize, centred or random crop, BGR to RGB, mean/std/scale and
 * mirror (see {@link ImageAugParams}). Stateless and thread-safe: the random draws come from the
 * caller's generator, in the order crop y, crop x, mirror.
 */
final class ImageAugmenter {
  private final ImageAugParams p;
  private final float[] mult;

  ImageAugmenter(ImageAugParams p) {
    this.p = p;
    this.mult = new float[p.channels()];
    for (int c = 0; c < mult.length; c++) {
      // MXNet: contrast_scaled / std_c, where contrast_scaled is exactly `scale` without random
      // contrast
      mult[c] = p.scale() / p.std(c);
    }
  }

  /** Why an image could not be turned into values; the caller adds the file and offset. */
  static final class BadImageException extends Exception {
    BadImageException(String message) {
      super(message);
    }
  }

  /**
   * Decodes {@code len} bytes of {@code buf} from {@code off} and writes {@code C*H*W} values to
   * {@code dst[dstOff ...]}.
   *
   * @throws BadImageException if the bytes do not decode, have the wrong number of channels, or
   *     the image is smaller than the crop after the resize
   */
  void process(byte[] buf, int off, int len, SplittableRandom rnd, float[] dst, int dstOff)
      throws BadImageException {
    try (Mat decoded = decode(buf, off, len)) {
      Mat resized = resize(decoded);
      try {
        cropNormalize(resized, rnd, dst, dstOff);
      } finally {
        if (resized != decoded) {
          resized.close();
        }
      }
    }
  }

  /**
   * Normalizes raw uint8 content in CHW order ({@code C*H*W} bytes, already checked) into {@code
   * dst[0 ...]}: mean, std and scale only.
   */
  void processRaw(ImageRecord rec, float[] dst) {
    byte[] content = rec.content();
    int plane = p.height() * p.width();
    float[] meanImg = p.meanImg();
    for (int i = 0; i < content.length; i++) {
      int k = i / plane;
      float mean = meanImg != null ? meanImg[i] : p.mean(k);
      dst[i] = ((content[i] & 0xFF) - mean) * mult[k] + 0f;
    }
  }

  private Mat decode(byte[] buf, int off, int len) throws BadImageException {
    if (len == 0) {
      throw new BadImageException("the image content is empty");
    }
    int c = p.channels();
    int flag = c == 1 ? IMREAD_GRAYSCALE : c == 3 ? IMREAD_COLOR : IMREAD_UNCHANGED;
    Mat res;
    try (Mat src = new Mat(1, len, CV_8U)) {
      src.data().put(buf, off, len);
      res = imdecode(src, flag | (c == 4 ? 0 : IMREAD_IGNORE_ORIENTATION));
    }
    if (res == null || res.empty()) {
      if (res != null) {
        res.close();
      }
      throw new BadImageException("the " + len + " content bytes (starting "
          + signature(buf, off, len) + ") are not an image OpenCV can decode");
    }
    if (res.channels() != c || res.depth() != CV_8U) {
      int got = res.channels();
      res.close();
      throw new BadImageException("the image decodes to " + got + " 8-bit channels, but"
          + " data_shape asks for " + c);
    }
    return res;
  }

  private static String signature(byte[] buf, int off, int len) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(4, len); i++) {
      s.append(String.format("%02x", buf[off + i] & 0xFF));
    }
    return "0x" + s;
  }

  private Mat resize(Mat src) {
    int r = p.resize();
    if (r == -1) {
      return src;
    }
    int rows = src.rows();
    int cols = src.cols();
    int newH;
    int newW;
    if (rows > cols) {
      newH = (int) ((long) r * rows / cols);
      newW = r;
    } else {
      newH = r;
      newW = (int) ((long) r * cols / rows);
    }
    Mat dst = new Mat();
    try (Size size = new Size(newW, newH)) {
      opencv_imgproc.resize(src, dst, size, 0, 0, interpolation(cols, rows, newW, newH));
    }
    return dst;
  }

  private int interpolation(int oldW, int oldH, int newW, int newH) {
    int m = p.interMethod();
    if (m != 9) {
      return m; // MXNet's 1..4 are OpenCV's INTER_LINEAR, CUBIC, AREA, LANCZOS4
    }
    if (newW > oldW && newH > oldH) {
      return INTER_CUBIC;
    }
    if (newW < oldW && newH < oldH) {
      return INTER_AREA;
    }
    return INTER_LINEAR;
  }

  private void cropNormalize(Mat img, SplittableRandom rnd, float[] dst, int dstOff)
      throws BadImageException {
    int h = p.height();
    int w = p.width();
    int c = p.channels();
    if (img.rows() < h || img.cols() < w) {
      throw new BadImageException("the image is " + img.cols() + "x" + img.rows()
          + " (width x height) after resize " + p.resize() + ", smaller than data_shape "
          + p.dataShape() + "; set resize to at least " + Math.max(h, w));
    }
    int y = img.rows() - h;
    int x = img.cols() - w;
    if (p.randCrop()) {
      y = rnd.nextInt(y + 1);
      x = rnd.nextInt(x + 1);
    } else {
      y /= 2;
      x /= 2;
    }
    boolean mirrored = (p.randMirror() && rnd.nextBoolean()) || p.mirror();
    byte[] row = new byte[w * c];
    float[] meanImg = p.meanImg();
    int plane = h * w;
    try (Rect roi = new Rect(x, y, w, h); Mat crop = img.apply(roi)) {
      for (int i = 0; i < h; i++) {
        crop.ptr(i).get(row, 0, row.length);
        for (int k = 0; k < c; k++) {
          // OpenCV's BGR(A) becomes RGB(A): output channel k reads input channel 2 - k
          int src = c == 1 || k == 3 ? k : 2 - k;
          int out = dstOff + k * plane + i * w;
          float m = mult[k];
          float mean = p.mean(k);
          int meanRow = k * plane + i * w;
          for (int j = 0; j < w; j++) {
            float v = row[j * c + src] & 0xFF;
            float sub = meanImg != null ? meanImg[meanRow + j] : mean;
            // MXNet adds an illumination bias that is 0 without random illumination
            dst[mirrored ? out + w - 1 - j : out + j] = (v - sub) * m + 0f;
          }
        }
      }
    }
  }
}
