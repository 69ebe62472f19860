package org.kindling.io.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Re-encodes an image file as MXNet's {@code tools/im2rec.py} does when not in pass-through mode:
 * {@code cv2.imread(path, color)} (here {@code imdecode} of the file's bytes, which also applies
 * the EXIF orientation), optionally a centre crop to a square ({@code --center-crop}: margin
 * {@code (long - short) / 2}), optionally a shorter-side resize ({@code --resize}: bilinear to
 * {@code (resize, long * resize / short)}), then {@code cv2.imencode(encoding, img, [quality])}
 * ({@code IMWRITE_JPEG_QUALITY} for {@code .jpg}, {@code IMWRITE_PNG_COMPRESSION} for {@code
 * .png}). Immutable and thread-safe.
 */
public final class ImageTranscoder {
  private final int color;
  private final boolean centerCrop;
  private final int resize;
  private final String encoding;
  private final int quality;

  /**
   * @param color im2rec's {@code --color}: 1 colour (default), 0 grey, -1 unchanged (alpha kept)
   * @param centerCrop im2rec's {@code --center-crop}
   * @param resize im2rec's {@code --resize}: the shorter side's new length, 0 for none
   * @param encoding im2rec's {@code --encoding}: {@code .jpg} or {@code .png}
   * @param quality im2rec's {@code --quality}: JPEG 1..100 (default 95) or PNG 0..9
   * @throws IllegalArgumentException naming the option if a value is out of range
   */
  public ImageTranscoder(int color, boolean centerCrop, int resize, String encoding,
      int quality) {
    if (color < -1 || color > 1) {
      throw new IllegalArgumentException("--color " + color + " must be -1, 0 or 1");
    }
    if (resize < 0) {
      throw new IllegalArgumentException("--resize " + resize + " must be 0 (off) or positive");
    }
    boolean jpeg = ".jpg".equals(encoding);
    if (!jpeg && !".png".equals(encoding)) {
      throw new IllegalArgumentException("--encoding " + encoding + " must be .jpg or .png");
    }
    if (jpeg ? quality < 1 || quality > 100 : quality < 0 || quality > 9) {
      throw new IllegalArgumentException("--quality " + quality + " must be in "
          + (jpeg ? "1..100 for .jpg" : "0..9 for .png"));
    }
    this.color = color;
    this.centerCrop = centerCrop;
    this.resize = resize;
    this.encoding = encoding;
    this.quality = quality;
  }

  /**
   * Decodes, crops, resizes and encodes one image file.
   *
   * @param file the file's bytes
   * @return the encoded image
   * @throws IllegalArgumentException if the bytes are not an image OpenCV can decode
   */
  public byte[] transcode(byte[] file) {
    if (file.length == 0) {
      throw new IllegalArgumentException("the file is empty");
    }
    try (Mat src = new Mat(1, file.length, CV_8U)) {
      src.data().put(file, 0, file.length);
      try (Mat img = imdecode(src, color)) {
        if (img == null || img.empty()) {
          throw new IllegalArgumentException("the " + file.length
              + " bytes are not an image OpenCV can decode");
        }
        try (Mat cropped = centerCrop ? crop(img) : img.clone(); Mat out = resized(cropped)) {
          return ImageCodec.encode(out, encoding, quality);
        }
      }
    }
  }

  private static Mat crop(Mat img) {
    int rows = img.rows();
    int cols = img.cols();
    Rect roi = rows > cols
        ? new Rect(0, (rows - cols) / 2, cols, cols)
        : new Rect((cols - rows) / 2, 0, rows, rows);
    try (roi; Mat view = img.apply(roi)) {
      return view.clone();
    }
  }

  private Mat resized(Mat img) {
    if (resize == 0) {
      return img.clone();
    }
    int rows = img.rows();
    int cols = img.cols();
    int w;
    int h;
    if (rows > cols) {
      w = resize;
      h = (int) ((long) rows * resize / cols);
    } else {
      w = (int) ((long) cols * resize / rows);
      h = resize;
    }
    Mat out = new Mat();
    try (Size size = new Size(w, h)) {
      opencv_imgproc.resize(img, out, size, 0, 0, INTER_LINEAR);
    }
    return out;
  }
}
