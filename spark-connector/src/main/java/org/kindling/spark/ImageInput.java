package org.kindling.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.kindling.io.RecordSource;
import org.kindling.io.image.ImageAugParams;
import org.kindling.io.image.ImageRecordIter;
import org.kindling.io.image.LastBatch;
import org.kindling.io.image.RawImageRecordIter;
import org.kindling.tensor.Shape;
import org.kindling.tensor.data.DataIter;

/**
 * How a training job turns image records into batches. By default the records hold raw uint8
 * pixels, exactly {@code prod(--input-shape)} bytes each, multiplied by {@code --scale} ({@link
 * RawImageRecordIter}). With {@code --data-shape C,H,W} they hold encoded images (JPEG, PNG, as
 * {@code kindling im2rec} packs them) that MXNet's {@code ImageRecordIter} decodes and augments
 * ({@link ImageRecordIter}, OpenCV): shorter side resized to {@code --resize}, a centred (or with
 * {@code --rand-crop} random) {@code H x W} crop, {@code --rand-mirror}, then {@code (v -
 * mean_c) * scale / std_c} per RGB channel with {@code --mean-rgb}, {@code --std-rgb} and
 * {@code --scale}. Training batches draw their random crops and flips from {@code (--seed,
 * pass, record)}; validation batches are centre crops without mirroring, as MXNet's
 * {@code train_imagenet.py} builds its validation iterator.
 *
 * <p>Immutable and serializable: it travels to the tasks inside {@link TrainConfig}.
 */
public final class ImageInput implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Raw pixels (no {@code --data-shape}). */
  public static final ImageInput RAW = new Builder().build();

  private final int[] dataShape;
  private final int resize;
  private final boolean randCrop;
  private final boolean randMirror;
  private final float[] mean;
  private final float[] std;
  private final int interMethod;
  private final int threads;

  private ImageInput(Builder b) {
    this.dataShape = b.dataShape == null ? null : b.dataShape.clone();
    this.resize = b.resize;
    this.randCrop = b.randCrop;
    this.randMirror = b.randMirror;
    this.mean = b.mean.clone();
    this.std = b.std.clone();
    this.interMethod = b.interMethod;
    this.threads = b.threads;
  }

  /** A builder of raw-pixel input; {@link Builder#dataShape} switches to decoding. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dataShape = dataShape == null ? null : dataShape.clone();
    b.resize = resize;
    b.randCrop = randCrop;
    b.randMirror = randMirror;
    b.mean = mean.clone();
    b.std = std.clone();
    b.interMethod = interMethod;
    b.threads = threads;
    return b;
  }

  /** True if records hold encoded images to decode ({@code --data-shape} was given). */
  public boolean decodes() {
    return dataShape != null;
  }

  /** {@code (C, H, W)} of the decoded, cropped images, or null for raw pixels. */
  public int[] dataShape() {
    return dataShape == null ? null : dataShape.clone();
  }

  /** True if training batches draw random numbers ({@code --rand-crop}, {@code --rand-mirror}). */
  public boolean isRandom() {
    return randCrop || randMirror;
  }

  /**
   * The training iterator of one worker's records.
   *
   * @param part the worker's records; owned by the iterator
   * @param inputShape one example's shape ({@code --input-shape}, equal to the data shape when
   *     decoding)
   * @param firstEpoch the pass number the random augmentations start from (see {@link
   *     ImageRecordIter.Builder#firstEpoch})
   * @param skipCorrupt whether corrupt records are skipped and counted ({@link
   *     org.kindling.io.image.CorruptRecordCount}, which both iterators are) instead of failing
   */
  DataIter trainIter(RecordSource part, int[] inputShape, float scale, int batchSize, long seed,
      long firstEpoch, boolean skipCorrupt) {
    if (!decodes()) {
      return RawImageRecordIter.builder(part, Shape.of(inputShape), batchSize).scale(scale)
          .skipCorrupt(skipCorrupt).build();
    }
    // PAD, not MXNet's ROUND_BATCH: every epoch restarts at the part's first record, so the
    // passes per epoch are fixed (passesPerEpoch, which seeds a resumed job's augmentations) and
    // a resumed run's epochs are the uninterrupted run's (FixedStepsIter, decision 0073)
    return ImageRecordIter.builder(part, aug(scale, true), batchSize).preprocessThreads(threads)
        .lastBatch(LastBatch.PAD).seed(seed).firstEpoch(firstEpoch).skipCorrupt(skipCorrupt)
        .build();
  }

  /**
   * The validation iterator: every record once, a short last batch padded (raw: with zero
   * rows; decoded: from the first records, {@link LastBatch#PAD}, so every scoring pass reads the
   * same batches); no random augmentation.
   */
  DataIter evalIter(RecordSource records, int[] inputShape, float scale, int batchSize,
      boolean skipCorrupt) {
    if (!decodes()) {
      return RawImageRecordIter.builder(records, Shape.of(inputShape), batchSize).scale(scale)
          .roundBatch(false).skipCorrupt(skipCorrupt).build();
    }
    return ImageRecordIter.builder(records, aug(scale, false), batchSize)
        .preprocessThreads(threads).lastBatch(LastBatch.PAD).skipCorrupt(skipCorrupt).build();
  }

  /** The decoding settings of training ({@code training}) or validation and scoring batches. */
  ImageAugParams aug(float scale, boolean training) {
    return ImageAugParams.builder(Shape.of(dataShape)).resize(resize)
        .randCrop(training && randCrop).randMirror(training && randMirror)
        .interMethod(interMethod).mean(mean[0], mean[1], mean[2]).std(std[0], std[1], std[2])
        .scale(scale).build();
  }

  /**
   * The passes a worker's iterator makes per epoch: {@code steps} batches from a part of
   * {@code records} records, a pass giving {@code ceil(records / batch)} batches (the last one
   * padded) before {@link FixedStepsIter} wraps it, and the epoch's end starting a new one.
   */
  static long passesPerEpoch(long records, int batchSize, int steps) {
    long perPass = (records + batchSize - 1) / batchSize;
    return (steps + perPass - 1) / perPass;
  }

  @Override
  public String toString() {
    if (!decodes()) {
      return "raw pixels";
    }
    StringBuilder s = new StringBuilder("decoded images ").append(Arrays.toString(dataShape));
    if (resize > 0) {
      s.append(", resize ").append(resize);
    }
    s.append(randCrop ? ", random crop" : ", centre crop");
    if (randMirror) {
      s.append(", random mirror");
    }
    s.append(String.format(Locale.ROOT, ", mean %s, std %s", Arrays.toString(mean),
        Arrays.toString(std)));
    return s.toString();
  }

  /** Mutable settings; {@link #build()} validates them and names the option at fault. */
  public static final class Builder {
    private int[] dataShape;
    private int resize = -1;
    private boolean randCrop;
    private boolean randMirror;
    private float[] mean = {0f, 0f, 0f};
    private float[] std = {1f, 1f, 1f};
    private int interMethod = 1;
    private int threads = 4;
    private String augmentationOption;

    private Builder() {}

    /** {@code --data-shape C,H,W}: decode the records as images of this shape. */
    public Builder dataShape(int... v) {
      dataShape = v.clone();
      return this;
    }

    /** {@code --resize N}: the shorter side becomes N before cropping. */
    public Builder resize(int v) {
      resize = v;
      return augmentation("--resize");
    }

    /** {@code --rand-crop}: random instead of centred crops. */
    public Builder randCrop(boolean v) {
      randCrop = v;
      return augmentation("--rand-crop");
    }

    /** {@code --rand-mirror}: flip left-right with probability 1/2. */
    public Builder randMirror(boolean v) {
      randMirror = v;
      return augmentation("--rand-mirror");
    }

    /** {@code --mean-rgb R,G,B}: MXNet's {@code mean_r}, {@code mean_g}, {@code mean_b}. */
    public Builder meanRgb(float... v) {
      mean = rgb("--mean-rgb", v);
      return augmentation("--mean-rgb");
    }

    /** {@code --std-rgb R,G,B}: MXNet's {@code std_r}, {@code std_g}, {@code std_b}. */
    public Builder stdRgb(float... v) {
      std = rgb("--std-rgb", v);
      return augmentation("--std-rgb");
    }

    /** {@code --inter-method}: 1 bilinear (default), 2 cubic, 3 area, 4 Lanczos, 9 auto. */
    public Builder interMethod(int v) {
      interMethod = v;
      return augmentation("--inter-method");
    }

    /** {@code --preprocess-threads N}: decoding threads per worker (default 4). */
    public Builder preprocessThreads(int v) {
      threads = v;
      return augmentation("--preprocess-threads");
    }

    private Builder augmentation(String option) {
      augmentationOption = option;
      return this;
    }

    private static float[] rgb(String option, float[] v) {
      if (v.length != 3) {
        throw new IllegalArgumentException(option + " needs three values R,G,B, got "
            + Arrays.toString(v));
      }
      return v.clone();
    }

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException naming the option if a value is out of range, or if a
     *     decoding option is given without {@code --data-shape}
     */
    public ImageInput build() {
      if (dataShape == null) {
        if (augmentationOption != null) {
          throw new IllegalArgumentException(augmentationOption + " applies to encoded images:"
              + " give --data-shape C,H,W too (without it records hold raw pixels)");
        }
        return new ImageInput(this);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("--preprocess-threads must be >= 1, got " + threads);
      }
      try {
        ImageInput input = new ImageInput(this);
        input.aug(1f, true);
        return input;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--data-shape " + Arrays.toString(dataShape)
            + " (decoded images): " + e.getMessage(), e);
      }
    }
  }
}
