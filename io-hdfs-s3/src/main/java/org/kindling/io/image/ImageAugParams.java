package org.kindling.io.image;

import java.util.Objects;
import org.kindling.tensor.Shape;

/**
 * The decoding, augmentation and normalization settings of an {@link ImageRecordIter}, with the
 * names and defaults of MXNet's {@code ImageRecordIter} ({@code DefaultImageAugmentParam} and
 * {@code ImageNormalizeParam}):
 *
 * <ul>
 *   <li>{@code data_shape} {@code (C, H, W)}, C in {1, 3, 4}: 1 decodes as grey, 3 as colour,
 *       4 keeps the image's own 4 channels; output channels are RGB(A), as MXNet swaps OpenCV's
 *       BGR;
 *   <li>{@code resize} (default -1, off): the shorter side becomes {@code resize}, the longer
 *       {@code resize * long / short} (integer division), with {@code inter_method} (default 1,
 *       bilinear; 2 cubic, 3 area, 4 Lanczos, 9 auto);
 *   <li>crop to {@code H x W}: centred ({@code y = (rows - H) / 2}, {@code x = (cols - W) / 2})
 *       or, with {@code rand_crop}, uniform over every position; the image must be at least
 *       {@code H x W} after the resize;
 *   <li>{@code rand_mirror} flips left-right with probability 1/2, {@code mirror} always;
 *   <li>each value becomes {@code (pixel - mean_c) * (scale / std_c)}, with {@code mean_r/g/b/a}
 *       (default 0), {@code std_r/g/b/a} (default 1), {@code scale} (default 1), or with a mean
 *       image of shape {@code data_shape} in place of the per-channel means ({@code mean_img}).
 * </ul>
 *
 * Immutable; build with {@link #builder(Shape)}.
 */
public final class ImageAugParams {
  private final Shape dataShape;
  private final int resize;
  private final boolean randCrop;
  private final boolean randMirror;
  private final boolean mirror;
  private final int interMethod;
  private final float[] mean;
  private final float[] std;
  private final float scale;
  private final float[] meanImg;

  private ImageAugParams(Builder b) {
    this.dataShape = b.dataShape;
    this.resize = b.resize;
    this.randCrop = b.randCrop;
    this.randMirror = b.randMirror;
    this.mirror = b.mirror;
    this.interMethod = b.interMethod;
    this.mean = b.mean.clone();
    this.std = b.std.clone();
    this.scale = b.scale;
    this.meanImg = b.meanImg == null ? null : b.meanImg.clone();
  }

  /** Starts a builder for images of {@code dataShape = (C, H, W)}. */
  public static Builder builder(Shape dataShape) {
    return new Builder(dataShape);
  }

  /** {@code (C, H, W)}. */
  public Shape dataShape() {
    return dataShape;
  }

  /** Channels C. */
  public int channels() {
    return dataShape.get(0);
  }

  /** Output height H. */
  public int height() {
    return dataShape.get(1);
  }

  /** Output width W. */
  public int width() {
    return dataShape.get(2);
  }

  /** Shorter-side resize target, or -1. */
  public int resize() {
    return resize;
  }

  /** Random (instead of centred) crop. */
  public boolean randCrop() {
    return randCrop;
  }

  /** Random left-right flip. */
  public boolean randMirror() {
    return randMirror;
  }

  /** Always flip left-right. */
  public boolean mirror() {
    return mirror;
  }

  /** MXNet's {@code inter_method}. */
  public int interMethod() {
    return interMethod;
  }

  /** True if any setting draws random numbers. */
  public boolean isRandom() {
    return randCrop || randMirror;
  }

  /** Per-channel mean of output channel {@code c} (RGBA order). */
  float mean(int c) {
    return mean[c];
  }

  /** Per-channel standard deviation of output channel {@code c} (RGBA order). */
  float std(int c) {
    return std[c];
  }

  /** The multiplier after mean subtraction. */
  public float scale() {
    return scale;
  }

  /** The mean image (C*H*W values, CHW order, RGB channels), or {@code null}. */
  float[] meanImg() {
    return meanImg;
  }

  /** Settings of {@link ImageAugParams}; validated in {@link #build()}. */
  public static final class Builder {
    private final Shape dataShape;
    private int resize = -1;
    private boolean randCrop;
    private boolean randMirror;
    private boolean mirror;
    private int interMethod = 1;
    private final float[] mean = new float[4];
    private final float[] std = {1f, 1f, 1f, 1f};
    private float scale = 1f;
    private float[] meanImg;

    private Builder(Shape dataShape) {
      this.dataShape = Objects.requireNonNull(dataShape, "dataShape");
    }

    /** MXNet's {@code resize}: the shorter side's new length, or -1 for none. */
    public Builder resize(int resize) {
      this.resize = resize;
      return this;
    }

    /** MXNet's {@code rand_crop}. */
    public Builder randCrop(boolean randCrop) {
      this.randCrop = randCrop;
      return this;
    }

    /** MXNet's {@code rand_mirror}. */
    public Builder randMirror(boolean randMirror) {
      this.randMirror = randMirror;
      return this;
    }

    /** MXNet's {@code mirror}. */
    public Builder mirror(boolean mirror) {
      this.mirror = mirror;
      return this;
    }

    /** MXNet's {@code inter_method}: 1 bilinear (default), 2 cubic, 3 area, 4 Lanczos, 9 auto. */
    public Builder interMethod(int interMethod) {
      this.interMethod = interMethod;
      return this;
    }

    /** MXNet's {@code mean_r}, {@code mean_g}, {@code mean_b}. */
    public Builder mean(float r, float g, float b) {
      mean[0] = r;
      mean[1] = g;
      mean[2] = b;
      return this;
    }

    /** MXNet's {@code mean_a}. */
    public Builder meanA(float a) {
      mean[3] = a;
      return this;
    }

    /** MXNet's {@code std_r}, {@code std_g}, {@code std_b}. */
    public Builder std(float r, float g, float b) {
      std[0] = r;
      std[1] = g;
      std[2] = b;
      return this;
    }

    /** MXNet's {@code std_a}. */
    public Builder stdA(float a) {
      std[3] = a;
      return this;
    }

    /** MXNet's {@code scale}. */
    public Builder scale(float scale) {
      this.scale = scale;
      return this;
    }

    /**
     * MXNet's {@code mean_img} (the loaded array): {@code C*H*W} values in CHW order, subtracted
     * instead of the per-channel means.
     */
    public Builder meanImg(float[] meanImg) {
      this.meanImg = meanImg == null ? null : meanImg.clone();
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException naming the parameter if a value is out of range
     */
    public ImageAugParams build() {
      if (dataShape.ndim() != 3 || dataShape.size() == 0) {
        throw new IllegalArgumentException("data_shape " + dataShape
            + " must be (channels, height, width) with no zero dimension");
      }
      int c = dataShape.get(0);
      if (c != 1 && c != 3 && c != 4) {
        throw new IllegalArgumentException("data_shape " + dataShape
            + " must have 1, 3 or 4 channels, as MXNet's ImageRecordIter");
      }
      if (resize != -1 && resize < 1) {
        throw new IllegalArgumentException("resize " + resize + " must be -1 (off) or positive");
      }
      if (!(interMethod >= 1 && interMethod <= 4) && interMethod != 9) {
        throw new IllegalArgumentException("inter_method " + interMethod
            + " must be 1 (bilinear), 2 (cubic), 3 (area), 4 (Lanczos) or 9 (auto)");
      }
      for (int i = 0; i < 4; i++) {
        if (!Float.isFinite(mean[i]) || !Float.isFinite(std[i]) || std[i] == 0f) {
          throw new IllegalArgumentException("mean/std of channel " + i + " (" + mean[i] + ", "
              + std[i] + ") must be finite with a non-zero std");
        }
      }
      if (!Float.isFinite(scale)) {
        throw new IllegalArgumentException("scale " + scale + " must be finite");
      }
      if (meanImg != null && meanImg.length != dataShape.size()) {
        throw new IllegalArgumentException("mean_img has " + meanImg.length
            + " values, but data_shape " + dataShape + " needs " + dataShape.size());
      }
      return new ImageAugParams(this);
    }
  }
}
