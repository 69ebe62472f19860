package org.kindling.it.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.it.CliRun;

/**
 * {@code kindling im2rec} on an image folder, judged by real MXNet: {@code --list --recursive}
 * makes the {@code .lst} (a class per folder, as im2rec's {@code os.walk} with sorted names),
 * then packing writes {@code .rec} + {@code .idx}, and MXNet reads them back: its RecordIO reader
 * finds, at each {@code .idx} offset, the record of that key with the listed label and id; its
 * {@code ImageRecordIter} (with {@code path_imgidx}) yields the listed labels in list order and,
 * for every record, the pixels of MXNet's own {@code imdecode} of the stored image (centre
 * cropped to the data shape). The stored image itself is checked against MXNet's decode of the
 * original file: the file's bytes with {@code --pass-through}, the same pixels with {@code
 * --encoding .png}, MXNet's {@code imresize} (OpenCV's bilinear, as im2rec's {@code cv2.resize})
 * of the centre square with {@code --center-crop --resize}, and with im2rec's default (JPEG,
 * quality 95, here on 3 threads) libjpeg's quality-95 tables with 4:2:0 chroma, and exactly the
 * pixels of the JDK's own libjpeg encoder at quality 95 on the same decoded image.
 *
 * <p>The source images are written by the JDK's ImageIO ({@link JdkImages}, not OpenCV): PNG
 * and JPEG, colour and grey, sizes from 21 to 40 pixels, with an upper-case extension, a space
 * in a name, a nested folder and files that are not images.
 */
class Im2RecFolderMatchesMxnetIT {
  /** The crop the iterator reads: no larger than the smallest stored side (20 after resize). */
  private static final int CROP = 18;

  @TempDir static Path dir;
  private static Path root;
  /** Relative path (with '/') of each source image -> its expected class label. */
  private static final Map<String, Integer> classes = new LinkedHashMap<>();

  @BeforeAll
  static void imageFolder() throws IOException, InterruptedException {
    OracleExecution.require();
    root = dir.resolve("images");
    // walk order: cat, dog, dog/puppy, fish (the root itself holds no image)
    List<String> args = new ArrayList<>(List.of("folder", root.toString(), "91"));
    source(args, "cat/a.png", false, 0);
    source(args, "cat/b.jpg", false, 0);
    source(args, "cat/c grey.png", true, 0);
    source(args, "dog/d.JPG", false, 1);
    source(args, "dog/e.jpeg", false, 1);
    source(args, "dog/puppy/f.png", false, 2);
    source(args, "dog/puppy/g.jpg", true, 2);
    source(args, "fish/h.png", false, 3);
    source(args, "fish/i.jpg", false, 3);
    source(args, "fish/j.png", false, 3);
    JdkImages.inChildJvm(args);
    Files.writeString(root.resolve("fish/notes.txt"), "not an image\n");
    Files.writeString(root.resolve("readme.md"), "not an image either\n");
  }

  private static void source(List<String> args, String rel, boolean grey, int label) {
    args.add(rel + ":" + grey);
    classes.put(rel, label);
  }

  /** One line of the {@code .lst}. */
  private record Listed(long index, float label, String path) {}

  @ParameterizedTest(name = "im2rec {0}")
  @ValueSource(strings = {"--pass-through", "--encoding .png", "--encoding .png --center-crop"
      + " --resize 20", "--num-thread 3"})
  void mxnetReadsWhatIm2recPacked(String options) throws IOException, InterruptedException {
    Path out = Files.createDirectories(dir.resolve("out" + options.replaceAll("[^a-z0-9]", "")));
    String prefix = out.resolve("data").toString();
    CliRun listed = CliRun.of("im2rec", "--list", "--recursive", prefix, root.toString());
    assertThat(listed.code()).as(listed.err()).isZero();
    List<Listed> lst = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("data.lst"))) {
      String[] f = line.split("\t");
      assertThat(f).as("lst line %s", line).hasSize(3);
      lst.add(new Listed(Long.parseLong(f[0]), Float.parseFloat(f[1]), f[2]));
    }
    assertThat(lst).extracting(Listed::path).as("listed images")
        .containsExactlyInAnyOrderElementsOf(classes.keySet());
    for (Listed l : lst) {
      assertThat(l.label()).as("class of %s", l.path())
          .isEqualTo((float) classes.get(l.path()));
    }
    // indices count in walk order, the list is shuffled
    List<String> walk = new ArrayList<>(classes.keySet());
    for (Listed l : lst) {
      assertThat(walk.get((int) l.index())).as("index of %s", l.path()).isEqualTo(l.path());
    }

    List<String> args = new ArrayList<>(List.of("im2rec"));
    args.addAll(Arrays.asList(options.split(" ")));
    args.addAll(List.of(prefix, root.toString()));
    CliRun packed = CliRun.of(args.toArray(new String[0]));
    assertThat(packed.code()).as(packed.err()).isZero();
    Path rec = out.resolve("data.rec");
    Path idx = out.resolve("data.idx");

    // MXNet's reader at each .idx offset: the record of that key, in list order
    List<String> idxLines = Files.readAllLines(idx);
    assertThat(idxLines).hasSameSizeAs(lst);
    long[] offsets = new long[lst.size()];
    for (int i = 0; i < lst.size(); i++) {
      String[] kv = idxLines.get(i).split("\t");
      assertThat(Long.parseLong(kv[0])).as(".idx key %d", i).isEqualTo(lst.get(i).index());
      offsets[i] = Long.parseLong(kv[1]);
    }
    List<byte[]> atOffsets = MxRecordIO.readAt(rec, offsets);
    List<byte[]> sequential = MxRecordIO.readAll(rec);
    assertThat(sequential).hasSameSizeAs(lst);
    List<byte[]> stored = new ArrayList<>();
    for (int i = 0; i < lst.size(); i++) {
      assertThat(atOffsets.get(i)).as("record at .idx offset %d", offsets[i])
          .isEqualTo(sequential.get(i));
      ByteBuffer b = ByteBuffer.wrap(sequential.get(i)).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(b.getInt()).as("flag of record %d", i).isZero();
      assertThat(b.getFloat()).as("label of record %d", i).isEqualTo(lst.get(i).label());
      assertThat(b.getLong()).as("id of record %d", i).isEqualTo(lst.get(i).index());
      assertThat(b.getLong()).as("id2 of record %d", i).isZero();
      stored.add(Arrays.copyOfRange(sequential.get(i), 24, sequential.get(i).length));
    }

    // MXNet's ImageRecordIter through the .idx: labels in list order, its own decode's pixels
    Map<String, String> kw = new LinkedHashMap<>();
    kw.put("path_imgrec", rec.toString());
    kw.put("path_imgidx", idx.toString());
    kw.put("data_shape", "(3," + CROP + "," + CROP + ")");
    kw.put("batch_size", "1");
    kw.put("preprocess_threads", "1");
    List<MxDataIter.Batch> batches = MxDataIter.epoch("ImageRecordIter", kw);
    assertThat(batches).hasSameSizeAs(lst);
    List<String> jpegArgs = new ArrayList<>(List.of("jpeg95"));
    List<MxImperative.Values> storedPixels = new ArrayList<>();
    double worstMean = 0;
    try (MxImperative.Arena arena = new MxImperative.Arena()) {
      for (int i = 0; i < lst.size(); i++) {
        Listed l = lst.get(i);
        assertThat(batches.get(i).label()).as("ImageRecordIter's label of record %d", i)
            .containsExactly(l.label());
        MxImperative.Values decoded = imdecode(arena, stored.get(i));
        storedPixels.add(decoded);
        assertThat(batches.get(i).data()).as("ImageRecordIter's pixels of record %d (%s)", i,
            l.path()).containsExactly(centreCropChw(decoded));

        byte[] original = Files.readAllBytes(root.resolve(l.path()));
        MxImperative.Values source = imdecode(arena, original);
        String what = l.path() + " stored with " + options;
        if (options.equals("--pass-through")) {
          assertThat(stored.get(i)).as(what).isEqualTo(original);
        } else if (options.equals("--encoding .png")) {
          assertThat(stored.get(i)).as(what + ": a PNG").startsWith(0x89, 'P', 'N', 'G');
          assertThat(decoded.shape()).as(what).isEqualTo(source.shape());
          assertThat(decoded.values()).as(what).containsExactly(source.values());
        } else if (options.startsWith("--encoding .png --center-crop")) {
          MxImperative.Values want = resizeShorterTo20(arena, squareCentre(source));
          assertThat(decoded.shape()).as(what).isEqualTo(want.shape());
          assertThat(decoded.values()).as(what).containsExactly(want.values());
        } else {
          assertThat(stored.get(i)).as(what + ": a JPEG").startsWith(0xFF, 0xD8);
          assertIsQuality95(stored.get(i), what);
          assertThat(decoded.shape()).as(what).isEqualTo(source.shape());
          double sum = 0;
          for (int k = 0; k < decoded.values().length; k++) {
            sum += Math.abs(decoded.values()[k] - source.values()[k]);
          }
          worstMean = Math.max(worstMean, sum / decoded.values().length);
          Path raw = out.resolve("source-" + i + ".raw");
          Files.write(raw, rawRgb(source));
          jpegArgs.add(raw.toString());
        }
      }
      if (jpegArgs.size() > 1) {
        // the reference: the JDK's own libjpeg (IJG 6b) at quality 95 on MXNet's decode of
        // the original, decoded by MXNet. Same tables, 4:2:0, integer DCT and colour
        // conversion as OpenCV's libjpeg-turbo under im2rec: the same pixels, exactly
        JdkImages.inChildJvm(jpegArgs);
        for (int i = 0; i < lst.size(); i++) {
          byte[] jdk = Files.readAllBytes(out.resolve("source-" + i + ".raw.jpg"));
          assertThat(storedPixels.get(i).values())
              .as("%s stored with %s: pixels of the JDK's JPEG at quality 95 of the same image",
                  lst.get(i).path(), options)
              .containsExactly(imdecode(arena, jdk).values());
        }
        System.out.printf("im2rec's default JPEG (quality 95): worst mean difference to the"
            + " original %.3f levels%n", worstMean);
      }
    }
  }

  /**
   * {@code --list --train-ratio 0.6} makes {@code PREFIX_train.lst} (the first {@code int(10 *
   * 0.6)} of the shuffled list) and {@code PREFIX_val.lst}; packing {@code PREFIX} packs both,
   * and MXNet's ImageRecordIter reads every image once over the two. A hand-made multi-label
   * list packed with {@code --pack-label} reads in MXNet with {@code label_width} 2.
   */
  @Test
  void trainValListsAndPackedLabels() throws IOException {
    Path out = Files.createDirectories(dir.resolve("split"));
    String prefix = out.resolve("data").toString();
    CliRun listed = CliRun.of("im2rec", "--list", "--recursive", "--train-ratio", "0.6", prefix,
        root.toString());
    assertThat(listed.code()).as(listed.err()).isZero();
    CliRun packed = CliRun.of("im2rec", "--pass-through", prefix, root.toString());
    assertThat(packed.code()).as(packed.err()).isZero();
    List<String> seen = new ArrayList<>();
    for (String part : List.of("train", "val")) {
      List<String> lines = Files.readAllLines(out.resolve("data_" + part + ".lst"));
      assertThat(lines).as(part + " list").hasSize(part.equals("train") ? 6 : 4);
      List<MxDataIter.Batch> batches = MxDataIter.epoch("ImageRecordIter", Map.of(
          "path_imgrec", out.resolve("data_" + part + ".rec").toString(),
          "path_imgidx", out.resolve("data_" + part + ".idx").toString(),
          "data_shape", "(3," + CROP + "," + CROP + ")", "batch_size", "1",
          "preprocess_threads", "1"));
      assertThat(batches).as(part + " records").hasSameSizeAs(lines);
      for (int i = 0; i < lines.size(); i++) {
        String[] f = lines.get(i).split("\t");
        assertThat(batches.get(i).label()).as("%s record %d (%s)", part, i, f[2])
            .containsExactly((float) classes.get(f[2]));
        seen.add(f[2]);
      }
    }
    assertThat(seen).as("images over train and val")
        .containsExactlyInAnyOrderElementsOf(classes.keySet());

    // index, two labels, path: --pack-label stores both (flag 2)
    List<String> multi = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("data_train.lst"))) {
      String[] f = line.split("\t");
      multi.add(f[0] + "\t" + f[1] + "\t" + (Long.parseLong(f[0]) * 0.25) + "\t" + f[2]);
    }
    Path lst = out.resolve("multi.lst");
    Files.write(lst, multi);
    CliRun packedMulti = CliRun.of("im2rec", "--pack-label", "--encoding", ".png", "--lst",
        lst.toString(), out.resolve("multi").toString(), root.toString());
    assertThat(packedMulti.code()).as(packedMulti.err()).isZero();
    List<MxDataIter.Batch> batches = MxDataIter.epoch("ImageRecordIter", Map.of(
        "path_imgrec", out.resolve("multi.rec").toString(),
        "path_imgidx", out.resolve("multi.idx").toString(), "label_width", "2",
        "data_shape", "(3," + CROP + "," + CROP + ")", "batch_size", "1",
        "preprocess_threads", "1"));
    List<byte[]> records = MxRecordIO.readAll(out.resolve("multi.rec"));
    assertThat(batches).hasSameSizeAs(multi);
    for (int i = 0; i < multi.size(); i++) {
      String[] f = multi.get(i).split("\t");
      assertThat(batches.get(i).label()).as("labels of %s", f[3])
          .containsExactly(Float.parseFloat(f[1]), Float.parseFloat(f[2]));
      ByteBuffer b = ByteBuffer.wrap(records.get(i)).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(b.getInt()).as("flag of %s", f[3]).isEqualTo(2);
      assertThat(b.getFloat()).as("label field of %s", f[3]).isZero();
      assertThat(b.getLong()).as("id of %s", f[3]).isEqualTo(Long.parseLong(f[0]));
    }
  }

  /** HWC RGB values as {@link JdkImages}' raw file: height, width, bytes. */
  private static byte[] rawRgb(MxImperative.Values img) {
    ByteBuffer b = ByteBuffer.allocate(8 + img.values().length);
    b.putInt(img.shape()[0]).putInt(img.shape()[1]);
    for (double v : img.values()) {
      b.put((byte) v);
    }
    return b.array();
  }

  /** libjpeg's standard luminance and chrominance tables (Annex K), in natural order. */
  private static final int[] LUMA = {16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60,
      55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109,
      103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95,
      98, 112, 100, 103, 99};
  private static final int[] CHROMA = {17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99,
      99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
      99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
      99, 99, 99, 99};
  /** The zigzag order DQT segments store: entry k is natural index ZIGZAG[k]. */
  private static final int[] ZIGZAG = {0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
      12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36,
      29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62,
      63};

  /**
   * What {@code cv2.imencode('.jpg', img, [IMWRITE_JPEG_QUALITY, 95])} writes for a colour
   * image: libjpeg's {@code jpeg_set_quality(95)} tables (scale {@code 200 - 2 * 95 = 10}
   * percent of Annex K's, rounded) and three components with luma sampled 2x2 (4:2:0).
   */
  private static void assertIsQuality95(byte[] jpeg, String what) {
    Map<Integer, int[]> tables = new LinkedHashMap<>();
    int[] sampling = null;
    int p = 2;
    while (p + 4 <= jpeg.length && (jpeg[p] & 0xFF) == 0xFF) {
      int marker = jpeg[p + 1] & 0xFF;
      int len = ((jpeg[p + 2] & 0xFF) << 8) | (jpeg[p + 3] & 0xFF);
      if (marker == 0xDB) {
        for (int q = p + 4; q < p + 2 + len; q += 65) {
          assertThat(jpeg[q] >> 4).as(what + ": 8-bit quantization table").isZero();
          int[] t = new int[64];
          for (int k = 0; k < 64; k++) {
            t[ZIGZAG[k]] = jpeg[q + 1 + k] & 0xFF;
          }
          tables.put(jpeg[q] & 0x0F, t);
        }
      } else if (marker == 0xC0) {
        int n = jpeg[p + 9] & 0xFF;
        sampling = new int[n];
        for (int c = 0; c < n; c++) {
          sampling[c] = jpeg[p + 11 + 3 * c] & 0xFF;
        }
      } else if (marker == 0xDA) {
        break;
      }
      p += 2 + len;
    }
    assertThat(tables.keySet()).as(what + ": quantization tables").containsExactly(0, 1);
    assertThat(tables.get(0)).as(what + ": luma table").containsExactly(scaled(LUMA, 95));
    assertThat(tables.get(1)).as(what + ": chroma table").containsExactly(scaled(CHROMA, 95));
    assertThat(sampling).as(what + ": baseline frame, Y 2x2, Cb and Cr 1x1")
        .containsExactly(0x22, 0x11, 0x11);
  }

  /** libjpeg's {@code jpeg_add_quant_table} with {@code jpeg_quality_scaling(quality)}. */
  private static int[] scaled(int[] base, int quality) {
    int scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
    int[] out = new int[64];
    for (int i = 0; i < 64; i++) {
      out[i] = Math.max(1, Math.min(255, (base[i] * scale + 50) / 100));
    }
    return out;
  }

  /** MXNet's {@code imdecode(buf, flag=1, to_rgb=1)}: HWC RGB bytes as doubles. */
  private static MxImperative.Values imdecode(MxImperative.Arena arena, byte[] bytes) {
    double[] v = new double[bytes.length];
    for (int k = 0; k < bytes.length; k++) {
      v[k] = bytes[k] & 0xFF;
    }
    Pointer buf = arena.array(new int[] {bytes.length}, 3, v);
    Pointer img = arena.invoke("_cvimdecode", Map.of("flag", "1", "to_rgb", "1"),
        new Pointer[] {buf})[0];
    return arena.read(img);
  }

  /** im2rec's {@code --center-crop}: the centre square, margin {@code (long - short) / 2}. */
  private static MxImperative.Values squareCentre(MxImperative.Values img) {
    int h = img.shape()[0];
    int w = img.shape()[1];
    int side = Math.min(h, w);
    return crop(img, (h - side) / 2, (w - side) / 2, side, side);
  }

  /** im2rec's {@code --resize 20} through MXNet's {@code imresize} (bilinear, as cv2.resize). */
  private static MxImperative.Values resizeShorterTo20(MxImperative.Arena arena,
      MxImperative.Values img) {
    int h = img.shape()[0];
    int w = img.shape()[1];
    int nw = h > w ? 20 : w * 20 / h;
    int nh = h > w ? h * 20 / w : 20;
    Pointer in = arena.array(img.shape(), 3, img.values());
    Pointer out = arena.invoke("_cvimresize", Map.of("w", Integer.toString(nw), "h",
        Integer.toString(nh), "interp", "1"), new Pointer[] {in})[0];
    return arena.read(out);
  }

  private static MxImperative.Values crop(MxImperative.Values img, int y0, int x0, int h, int w) {
    int cols = img.shape()[1];
    int c = img.shape()[2];
    double[] out = new double[h * w * c];
    for (int y = 0; y < h; y++) {
      System.arraycopy(img.values(), ((y0 + y) * cols + x0) * c, out, y * w * c, w * c);
    }
    return new MxImperative.Values(new int[] {h, w, c}, img.typeFlag(), out);
  }

  /** ImageRecordIter's default centre crop to {@link #CROP}, as CHW floats. */
  private static float[] centreCropChw(MxImperative.Values img) {
    int h = img.shape()[0];
    int w = img.shape()[1];
    MxImperative.Values c = crop(img, (h - CROP) / 2, (w - CROP) / 2, CROP, CROP);
    float[] out = new float[3 * CROP * CROP];
    for (int ch = 0; ch < 3; ch++) {
      for (int p = 0; p < CROP * CROP; p++) {
        out[ch * CROP * CROP + p] = (float) c.values()[p * 3 + ch];
      }
    }
    return out;
  }
}
