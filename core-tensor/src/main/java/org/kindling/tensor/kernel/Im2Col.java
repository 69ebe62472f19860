package org.kindling.tensor.kernel;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The im2col / col2im transforms of one convolution geometry (1-, 2- or 3-D), as MXNet's
 * {@code im2col.h}: they turn one image {@code (C, D, H, W)} into the column matrix
 * {@code (C·kd·kh·kw, od·oh·ow)} whose row {@code (c, kd, kh, kw)} holds, for every output
 * position, the input element that kernel tap reads (zero where it falls into the padding), so
 * that a convolution becomes one matrix product per group.
 *
 * <p>Geometries of fewer than three spatial dimensions are treated as 3-D with leading extents
 * of 1 (kernel 1, stride 1, dilation 1, pad 0), which gives the same column layout as MXNet's 1-D
 * and 2-D routines. Instances are immutable and thread-safe: the per-call scratch is two small
 * arrays of one input row and one output row.
 */
public final class Im2Col {
  private final int channels;
  private final int id;
  private final int ih;
  private final int iw;
  private final int kd;
  private final int kh;
  private final int kw;
  private final int pd;
  private final int ph;
  private final int pw;
  private final int sd;
  private final int sh;
  private final int sw;
  private final int dd;
  private final int dh;
  private final int dw;
  private final int od;
  private final int oh;
  private final int ow;

  /**
   * @param channels input channels C (all groups)
   * @param in input spatial extents, 1 to 3 of them
   * @param kernel kernel extents, as many as {@code in}
   * @param pad zero padding on each side
   * @param stride strides (>= 1)
   * @param dilate dilations (>= 1)
   * @param out output spatial extents, {@code floor((in + 2p - (d(k-1)+1)) / s) + 1}
   * @throws IllegalArgumentException if the arrays differ in length or are not 1 to 3 long
   */
  public Im2Col(int channels, int[] in, int[] kernel, int[] pad, int[] stride, int[] dilate,
      int[] out) {
    int n = in.length;
    if (n < 1 || n > 3 || kernel.length != n || pad.length != n || stride.length != n
        || dilate.length != n || out.length != n) {
      throw new IllegalArgumentException("im2col needs 1 to 3 spatial dimensions, the same "
          + "number for in, kernel, pad, stride, dilate and out; got in=" + Arrays.toString(in)
          + " kernel=" + Arrays.toString(kernel) + " out=" + Arrays.toString(out));
    }
    this.channels = channels;
    int[] i3 = lift(in, 1);
    int[] k3 = lift(kernel, 1);
    int[] p3 = lift(pad, 0);
    int[] s3 = lift(stride, 1);
    int[] d3 = lift(dilate, 1);
    int[] o3 = lift(out, 1);
    id = i3[0];
    ih = i3[1];
    iw = i3[2];
    kd = k3[0];
    kh = k3[1];
    kw = k3[2];
    pd = p3[0];
    ph = p3[1];
    pw = p3[2];
    sd = s3[0];
    sh = s3[1];
    sw = s3[2];
    dd = d3[0];
    dh = d3[1];
    dw = d3[2];
    od = o3[0];
    oh = o3[1];
    ow = o3[2];
  }

  /** Pads {@code a} on the left to three entries with {@code fill}. */
  private static int[] lift(int[] a, int fill) {
    int[] r = new int[3];
    Arrays.fill(r, fill);
    System.arraycopy(a, 0, r, 3 - a.length, a.length);
    return r;
  }

  /** Rows of the column matrix: {@code C · prod(kernel)}. */
  public int rows() {
    return channels * kd * kh * kw;
  }

  /** Columns of the column matrix: {@code prod(out)}. */
  public int cols() {
    return od * oh * ow;
  }

  /** Elements of one image: {@code C · prod(in)}. */
  public int imageSize() {
    return channels * id * ih * iw;
  }

  /**
   * Writes the column matrix of the image at {@code src[srcOffset ..]} into
   * {@code col[colOffset ..]} ({@link #rows()} x {@link #cols()}, row-major). Taps in the padding
   * read 0, which the following product multiplies like any other value (so an infinite weight
   * facing the padding gives NaN, as in MXNet).
   */
  public void im2col(FloatBuffer src, int srcOffset, FloatBuffer col, int colOffset) {
    float[] row = new float[iw];
    float[] run = new float[ow];
    float[] zeros = new float[ow];
    int plane = od * oh * ow;
    int dst = colOffset;
    for (int c = 0; c < channels; c++) {
      int cBase = srcOffset + c * id * ih * iw;
      for (int a = 0; a < kd; a++) {
        for (int b = 0; b < kh; b++) {
          int rowBase = dst; // column row (c, a, b, 0); kw rows follow, plane apart
          for (int z = 0; z < od; z++) {
            int zi = z * sd - pd + a * dd;
            for (int y = 0; y < oh; y++) {
              int yi = y * sh - ph + b * dh;
              int at = rowBase + (z * oh + y) * ow;
              if (zi < 0 || zi >= id || yi < 0 || yi >= ih) {
                for (int e = 0; e < kw; e++) {
                  col.put(at + e * plane, zeros, 0, ow);
                }
                continue;
              }
              src.get(cBase + (zi * ih + yi) * iw, row, 0, iw);
              for (int e = 0; e < kw; e++) {
                int xi = e * dw - pw;
                for (int x = 0; x < ow; x++, xi += sw) {
                  run[x] = xi >= 0 && xi < iw ? row[xi] : 0f;
                }
                col.put(at + e * plane, run, 0, ow);
              }
            }
          }
          dst += kw * plane;
        }
      }
    }
  }

  /**
   * The adjoint of {@link #im2col}: adds every column entry back onto the image element it was
   * read from (entries that came from the padding are dropped). With {@code add} the sums
   * accumulate onto {@code dst}; otherwise the image is cleared first.
   */
  public void col2im(FloatBuffer col, int colOffset, FloatBuffer dst, int dstOffset,
      boolean add) {
    if (!add) {
      FloatKernels.zero(dst.slice(dstOffset, imageSize()), imageSize());
    }
    float[] row = new float[iw];
    float[] run = new float[ow];
    int plane = od * oh * ow;
    int src = colOffset;
    for (int c = 0; c < channels; c++) {
      int cBase = dstOffset + c * id * ih * iw;
      for (int a = 0; a < kd; a++) {
        for (int b = 0; b < kh; b++) {
          int rowBase = src;
          for (int z = 0; z < od; z++) {
            int zi = z * sd - pd + a * dd;
            if (zi < 0 || zi >= id) {
              continue;
            }
            for (int y = 0; y < oh; y++) {
              int yi = y * sh - ph + b * dh;
              if (yi < 0 || yi >= ih) {
                continue;
              }
              int imageRow = cBase + (zi * ih + yi) * iw;
              dst.get(imageRow, row, 0, iw);
              int at = rowBase + (z * oh + y) * ow;
              for (int e = 0; e < kw; e++) {
                col.get(at + e * plane, run, 0, ow);
                int xi = e * dw - pw;
                for (int x = 0; x < ow; x++, xi += sw) {
                  if (xi >= 0 && xi < iw) {
                    row[xi] += run[x];
                  }
                }
              }
              dst.put(imageRow, row, 0, iw);
            }
          }
          src += kw * plane;
        }
      }
    }
  }
}
