package org.kindling.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kindling.tensor.io.ParamsFile;
import org.kindling.testing.MxnetFixtures;

class KindlingCliTest {
  private static final Path SAMPLE_REC = MxnetFixtures.path("dmlc-sample.rec");
  private static final Path GO_PARAMS = MxnetFixtures.path("go_test-0001.params");
  private static final Path GO_SYMBOL = MxnetFixtures.path("go_test-symbol.json");

  @TempDir Path dir;

  /** The payload of record k of the dmlc sample: IRHeader(0, k % 2, k, 0) + "k\n" x 10. */
  private static byte[] samplePayload(int k) {
    byte[] content = (k + "\n").repeat(10).getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(24 + content.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0).putFloat(k % 2).putLong(k).putLong(0).put(content);
    return b.array();
  }

  /** The sample as every dump line names it: fully qualified. */
  private static String sampleFile() {
    return new org.apache.hadoop.fs.Path(SAMPLE_REC.toUri()).toString();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void recordioDumpListsEveryRecordWithOffsetLengthAndDigest() throws Exception {
    CliRun r = CliRun.of("recordio", "dump", SAMPLE_REC.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> lines = r.lines();
    assertThat(lines).hasSize(10);
    for (int i = 0; i < 10; i++) {
      byte[] payload = samplePayload(i + 1);
      assertThat(lines.get(i)).isEqualTo(i + "\t" + sampleFile() + "\t" + (52 * i) + "\t"
          + payload.length + "\t" + sha256(payload));
    }
  }

  @Test
  void recordioDumpPartReadsOnlyThatByteRange() throws Exception {
    // S = 532, N = 2: nstep = 268, which falls inside the record at 260, so part 0 ends at 312
    CliRun p0 = CliRun.of("recordio", "dump", "--part", "0/2", SAMPLE_REC.toString());
    CliRun p1 = CliRun.of("recordio", "dump", "--part", "1/2", SAMPLE_REC.toString());
    assertThat(p0.code()).isZero();
    assertThat(p1.code()).isZero();
    assertThat(p0.lines()).extracting(l -> l.split("\t")[2])
        .containsExactly("0", "52", "104", "156", "208", "260");
    assertThat(p1.lines()).extracting(l -> l.split("\t")[2])
        .containsExactly("312", "364", "416", "468");
    assertThat(p1.lines().get(0)).startsWith("0\t" + sampleFile() + "\t312\t");
  }

  @Test
  void recordioDumpHexAppendsThePayload() throws Exception {
    CliRun r = CliRun.of("recordio", "dump", "--hex", SAMPLE_REC.toString());
    assertThat(r.code()).isZero();
    String[] last = r.lines().get(9).split("\t");
    assertThat(last).hasSize(6);
    assertThat(last[5]).isEqualTo(HexFormat.of().formatHex(samplePayload(10)));
  }

  @Test
  void badPartIsAUsageError() {
    CliRun r = CliRun.of("recordio", "dump", "--part", "2/2", SAMPLE_REC.toString());
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(r.err()).startsWith("kindling: error: ").contains("--part");
  }

  @Test
  void paramsShowListsNameTypeShapeAndSum() throws Exception {
    CliRun r = CliRun.of("params", "show", GO_PARAMS.toString());
    assertThat(r.code()).isZero();
    assertThat(r.lines()).hasSize(2);
    ParamsFile.Contents c = ParamsFile.read(GO_PARAMS);
    String[] bias = r.lines().get(0).split("\t");
    String[] weight = r.lines().get(1).split("\t");
    assertThat(Arrays.copyOf(bias, 3)).containsExactly("arg:pred_bias", "float32", "10");
    assertThat(Arrays.copyOf(weight, 3)).containsExactly("arg:pred_weight", "float32", "10,1");
    double sum = 0;
    for (float v : c.asMap().get("arg:pred_weight").toFloatArray()) {
      sum += v;
    }
    assertThat(Double.parseDouble(weight[3])).isCloseTo(sum, org.assertj.core.api.Assertions
        .within(1e-6 * Math.max(1, Math.abs(sum))));
  }

  @Test
  void aTruncatedRecordFileGivesOneErrorLineWithTheOffset() throws IOException {
    Path cut = dir.resolve("cut.rec");
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(SAMPLE_REC), 500));
    CliRun r = CliRun.of("recordio", "dump", cut.toString());
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_FAILURE);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).matches("kindling: error: .*cut\\.rec.* at byte offset \\d+: .*\\n");
  }

  @Test
  void skipCorruptDumpsTheIntactRecordsAndNamesTheSkippedRange() throws IOException {
    Path cut = dir.resolve("cut-skip.rec");
    // the sample's records are 52 bytes each: the tenth, at 468, loses its last 20 bytes
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(SAMPLE_REC), 500));
    CliRun r = CliRun.of("recordio", "dump", "--skip-corrupt", cut.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lines()).hasSize(9);
    assertThat(r.err().lines().toList()).hasSize(2);
    assertThat(r.err()).contains("skipped corrupt bytes ").contains("cut-skip.rec@468: ")
        .contains("(skipped bytes [468, 500))").contains("skipped 1 corrupt range(s)");
    // through an index of the ten records: the broken entry is skipped up to the file's end
    StringBuilder idx = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      idx.append(i).append('\t').append(52 * i).append('\n');
    }
    Path idxFile = dir.resolve("cut-skip.idx");
    Files.writeString(idxFile, idx);
    CliRun indexed = CliRun.of("recordio", "dump", "--skip-corrupt", "--idx",
        idxFile.toString(), cut.toString());
    assertThat(indexed.code()).as(indexed.err()).isZero();
    assertThat(indexed.lines()).isEqualTo(r.lines());
    assertThat(indexed.err()).contains("cut-skip.rec@468: ")
        .contains("(skipped bytes [468, 500))").contains("skipped 1 corrupt range(s)");
    CliRun strict = CliRun.of("recordio", "dump", "--idx", idxFile.toString(), cut.toString());
    assertThat(strict.code()).isEqualTo(KindlingCli.EXIT_FAILURE);
    assertThat(strict.err()).contains("cut-skip.rec").contains("cut-skip.idx")
        .contains("--skip-corrupt");
  }

  @Test
  void mxnetShuffleDumpsAnEpochOfMxnetsOrderThroughTheIndex() throws IOException {
    // the sample's records are 52 bytes each
    int records = (int) (Files.size(SAMPLE_REC) / 52);
    StringBuilder idx = new StringBuilder();
    for (int i = 0; i < records; i++) {
      idx.append(i).append('\t').append(52 * i).append('\n');
    }
    Path idxFile = dir.resolve("sample.idx");
    Files.writeString(idxFile, idx);
    List<String> plain = CliRun.of("recordio", "dump", "--idx", idxFile.toString(),
        SAMPLE_REC.toString()).lines();
    assertThat(plain).hasSize(records);
    org.kindling.io.split.MxnetShuffle mx = org.kindling.io.split.MxnetShuffle.ofSeed(4);
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] order = new int[records];
      for (int i = 0; i < records; i++) {
        order[i] = i;
      }
      mx.shuffle(order);
      CliRun r = CliRun.of("recordio", "dump", "--idx", idxFile.toString(), "--mxnet-shuffle",
          "4", "--epoch", Integer.toString(epoch), SAMPLE_REC.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.lines()).hasSize(records);
      for (int j = 0; j < records; j++) {
        // the same record as line order[j] of the plain dump, numbered j
        assertThat(r.lines().get(j)).as("epoch %d line %d", epoch, j).isEqualTo(
            j + plain.get(order[j]).substring(plain.get(order[j]).indexOf('\t')));
      }
    }
    assertThat(CliRun.of("recordio", "dump", "--mxnet-shuffle", "4", SAMPLE_REC.toString())
        .code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(CliRun.of("recordio", "dump", "--epoch", "2", SAMPLE_REC.toString()).code())
        .isEqualTo(KindlingCli.EXIT_USAGE);
  }

  @Test
  void aTruncatedParamsFileGivesOneErrorLineWithTheOffset() throws IOException {
    Path cut = dir.resolve("cut.params");
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(GO_PARAMS), 100));
    CliRun r = CliRun.of("params", "show", cut.toString());
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_FAILURE);
    assertThat(r.err()).matches("kindling: error: .*cut\\.params at byte offset \\d+: .*\\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void verboseAddsTheStackTrace() throws IOException {
    Path cut = dir.resolve("cut.params");
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(GO_PARAMS), 100));
    CliRun r = CliRun.of("params", "show", "--verbose", cut.toString());
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_FAILURE);
    assertThat(r.err()).startsWith("kindling: error: ").contains("\tat org.kindling.");
  }

  @Test
  void aMissingFileIsNamed() {
    CliRun r = CliRun.of("params", "show", dir.resolve("nope.params").toString());
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_FAILURE);
    assertThat(r.err()).startsWith("kindling: error: ").contains("nope.params");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "train", "score", "im2rec", "recordio", "recordio dump",
      "params", "params show", "help"})
  void everySubcommandHasHelp(String command) {
    String[] args = (command + " --help").split(" ");
    if (command.equals("help")) {
      args = new String[] {"help"};
    }
    CliRun r = CliRun.of(args);
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsIgnoringCase("usage");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void topLevelHelpListsTheSubcommands() {
    CliRun r = CliRun.of("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("demo", "train", "score", "im2rec", "recordio", "params");
  }

  @Test
  void unknownOptionsAndMissingSubcommandsAreUsageErrors() {
    CliRun bogus = CliRun.of("recordio", "dump", "--bogus", SAMPLE_REC.toString());
    assertThat(bogus.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(bogus.err()).startsWith("kindling: error: Unknown option: '--bogus'");
    assertThat(CliRun.of().code()).isEqualTo(KindlingCli.EXIT_USAGE);
    CliRun train = CliRun.of("train", "--data", "x.rec", "--epochs", "zero");
    assertThat(train.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(train.err()).startsWith("kindling: error: --epochs needs an integer, got 'zero'");
    CliRun score = CliRun.of("score", "--model-prefix", "m", "--epoch", "1", "--data", "x.rec",
        "--with-output");
    assertThat(score.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(score.err()).startsWith("kindling: error: --with-output needs --out FILE");
    CliRun limit = CliRun.of("train", "--data", "x.rec", "--memory-limit", "0");
    assertThat(limit.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(limit.err()).startsWith(
        "kindling: error: --memory-limit=0 is not a positive size such as 512m or 2g");
  }

  @Test
  void im2recPacksIdxFilesIntoRecordsThatDumpReads() throws Exception {
    Path images = dir.resolve("img.idx3");
    Path labels = dir.resolve("lab.idx1");
    writeIdx(images, 0x803, new int[] {3, 2, 2}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    writeIdx(labels, 0x801, new int[] {3}, new byte[] {7, 8, 9});
    String prefix = dir.resolve("tiny").toString();
    CliRun packed = CliRun.of("im2rec", "--idx-images", images.toString(), "--idx-labels",
        labels.toString(), prefix);
    assertThat(packed.code()).as(packed.err()).isZero();
    assertThat(packed.out()).startsWith("packed 3 records into " + prefix + ".rec");
    CliRun dump = CliRun.of("recordio", "dump", "--hex", prefix + ".rec");
    assertThat(dump.lines()).hasSize(3);
    // record 1: IRHeader(flag 0, label 8.0, id 1, id2 0) + pixels 5..8
    ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0).putFloat(8f).putLong(1).putLong(0).put(new byte[] {5, 6, 7, 8});
    assertThat(dump.lines().get(1).split("\t")[5]).isEqualTo(HexFormat.of().formatHex(b.array()));
    assertThat(Files.readAllLines(Path.of(prefix + ".idx"))).hasSize(3);
  }

  @Test
  void im2recListsAFolderThenPacksItReencodedAsIm2recDoes() throws Exception {
    Path root = dir.resolve("photos");
    for (String f : List.of("cat/a.png", "cat/b.png", "dog/c.png")) {
      Files.createDirectories(root.resolve(f).getParent());
      byte[] px = new byte[12 * 20 * 3];
      Arrays.fill(px, (byte) f.charAt(4));
      Files.write(root.resolve(f),
          org.kindling.io.image.ImageCodec.encode(px, 12, 20, 3, ".png", 1));
    }
    String prefix = dir.resolve("photos").toString() + "-set";
    CliRun listed = CliRun.of("im2rec", "--list", "--recursive", "--exts", ".png",
        "--no-shuffle", prefix, root.toString());
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(Files.readAllLines(Path.of(prefix + ".lst"))).containsExactly(
        "0\t0.000000\tcat/a.png", "1\t0.000000\tcat/b.png", "2\t1.000000\tdog/c.png");
    CliRun packed = CliRun.of("im2rec", "--resize", "6", "--encoding", ".png", "--num-thread",
        "2", prefix, root.toString());
    assertThat(packed.code()).as(packed.err()).isZero();
    assertThat(packed.out()).startsWith("packed 3 records into " + prefix + ".rec");
    CliRun dump = CliRun.of("recordio", "dump", "--hex", prefix + ".rec");
    assertThat(dump.lines()).hasSize(3);
    // each record is the 24-byte header, then a PNG (89 50 4E 47) of 10x6 pixels (resize 6)
    String hex = dump.lines().get(2).split("\t")[5];
    assertThat(hex.substring(48, 56)).isEqualTo("89504e47");
    assertThat(hex.substring(48 + 32, 48 + 48)).isEqualTo("0000000a00000006");
  }

  /**
   * As MXNet 1.9.1's im2rec: {@code --list} takes .png by default and {@code --exts} as
   * separate words; packing a prefix packs every {@code PREFIX*.lst}, each into its own files.
   */
  @Test
  void im2recListsPngByDefaultAndPacksEveryListOfAPrefix() throws Exception {
    Path root = dir.resolve("mixed");
    for (String f : List.of("cat/a.png", "cat/b.png", "dog/c.png", "dog/d.jpg", "dog/e.txt")) {
      Files.createDirectories(root.resolve(f).getParent());
      byte[] px = new byte[8 * 8 * 3];
      Arrays.fill(px, (byte) f.charAt(4));
      Files.write(root.resolve(f), org.kindling.io.image.ImageCodec.encode(px, 8, 8, 3,
          f.endsWith(".jpg") ? ".jpg" : ".png", f.endsWith(".jpg") ? 90 : 1));
    }
    String prefix = dir.resolve("mixed-set").toString();
    CliRun listed = CliRun.of("im2rec", "--list", "--recursive", "--no-shuffle",
        "--train-ratio", "0.5", prefix, root.toString());
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(Files.readAllLines(Path.of(prefix + "_train.lst"))).containsExactly(
        "0\t0.000000\tcat/a.png", "1\t0.000000\tcat/b.png");
    assertThat(Files.readAllLines(Path.of(prefix + "_val.lst"))).containsExactly(
        "2\t1.000000\tdog/c.png", "3\t1.000000\tdog/d.jpg");

    CliRun packed = CliRun.of("im2rec", prefix, root.toString());
    assertThat(packed.code()).as(packed.err()).isZero();
    assertThat(packed.lines()).hasSize(2);
    assertThat(packed.lines().get(0)).startsWith("packed 2 records into " + prefix + "_train.rec");
    assertThat(packed.lines().get(1)).startsWith("packed 2 records into " + prefix + "_val.rec");
    assertThat(CliRun.of("recordio", "dump", prefix + "_val.rec").lines()).hasSize(2);

    CliRun jpegOnly = CliRun.of("im2rec", "--list", "--recursive", "--exts", ".jpeg", ".jpg",
        "--no-shuffle", prefix + "-jpeg", root.toString());
    assertThat(jpegOnly.code()).as(jpegOnly.err()).isZero();
    assertThat(Files.readAllLines(Path.of(prefix + "-jpeg.lst")))
        .containsExactly("0\t0.000000\tdog/d.jpg");

    CliRun none = CliRun.of("im2rec", dir.resolve("nothing").toString(), root.toString());
    assertThat(none.code()).isNotZero();
    assertThat(none.err()).contains("no list file nothing*.lst in " + dir);
  }

  @Test
  void im2recWithoutRootOrIdxFilesIsAUsageError() {
    CliRun r = CliRun.of("im2rec", dir.resolve("x").toString());
    assertThat(r.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(r.err()).contains("missing ROOT");
  }

  private static void writeIdx(Path file, int magic, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(bytes)) {
      d.writeInt((magic & 0xFFFFFF00) | dims.length);
      for (int x : dims) {
        d.writeInt(x);
      }
      d.write(data);
    }
    Files.write(file, bytes.toByteArray());
  }

  /** The go_test input: (1, 10) float32 values -0.45, -0.35, ..., 0.45, little-endian. */
  private Path goInput() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 10; i++) {
      b.putFloat(-0.45f + 0.1f * i);
    }
    Path f = dir.resolve("go-input.bin");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void predictPrintsMxnetsSoftmaxOutputForTheGoTestCheckpoint() throws Exception {
    CliRun r = CliRun.of("predict", "--symbol", GO_SYMBOL.toString(), "--params",
        GO_PARAMS.toString(),
        "--input", goInput().toString(), "--shape", "1,10");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> expected = Files.readAllLines(
        MxnetFixtures.path("expected_outputs_mxnet-1.9.1.txt")).stream()
        .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    assertThat(r.lines()).hasSize(expected.size());
    for (int row = 0; row < expected.size(); row++) {
      String[] got = r.lines().get(row).split("\t");
      String[] want = expected.get(row).trim().split("\\s+");
      assertThat(got[0]).isEqualTo("softmax_output");
      assertThat(got).hasSize(want.length + 1);
      for (int j = 0; j < want.length; j++) {
        assertThat(Double.parseDouble(got[j + 1]))
            .isCloseTo(Double.parseDouble(want[j]), org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }

  @Test
  void predictSelectsAnInternalOutputByItsMxnetName() throws Exception {
    CliRun r = CliRun.of("predict", "--symbol", GO_SYMBOL.toString(), "--params",
        GO_PARAMS.toString(),
        "--input", goInput().toString(), "--shape", "1,10", "--outputs", "pred_output");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lines()).hasSize(10).allMatch(l -> l.startsWith("pred_output\t"));
    CliRun bad = CliRun.of("predict", "--symbol", GO_SYMBOL.toString(), "--params",
        GO_PARAMS.toString(),
        "--input", goInput().toString(), "--shape", "1,10", "--outputs", "nope_output");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("no output 'nope_output'").doesNotContain("\tat ");
  }

  @Test
  void predictMemoryLimitCapsTheArraysAndTheErrorSaysHowToRaiseIt() throws Exception {
    try {
      CliRun r = CliRun.of("predict", "--symbol", GO_SYMBOL.toString(), "--params",
          GO_PARAMS.toString(),
          "--input", goInput().toString(), "--shape", "1,10", "--memory-limit", "256");
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err().lines().toList()).hasSize(1);
      assertThat(r.err()).startsWith("kindling: error: Kindling array memory limit reached")
          .contains("the cap of 256 B").contains("raise it with --memory-limit SIZE");
    } finally {
      org.kindling.tensor.storage.Storage.get().resetLimit(); // the command capped this JVM
    }
    CliRun bad = CliRun.of("predict", "--symbol", GO_SYMBOL.toString(), "--params",
        GO_PARAMS.toString(),
        "--input", goInput().toString(), "--shape", "1,10", "--memory-limit", "lots");
    assertThat(bad.code()).isEqualTo(KindlingCli.EXIT_USAGE);
    assertThat(bad.err()).startsWith(
        "kindling: error: --memory-limit=lots is not a positive size such as 512m or 2g");
  }

  @Test
  void predictRejectsAnInputOfTheWrongSizeNamingTheFile() throws Exception {
    Path f = dir.resolve("short.bin");
    Files.write(f, new byte[12]);
    CliRun r = CliRun.of("predict", "--symbol", GO_SYMBOL.toString(), "--params",
        GO_PARAMS.toString(),
        "--input", f.toString(), "--shape", "1,10");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("short.bin: 12 bytes").contains("needs 40");
  }

  @Test
  void summaryPrintsTheLayerTableAndTheTotal() throws Exception {
    CliRun r = CliRun.of("summary", "--symbol", GO_SYMBOL.toString(), "--shape", "1,10");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.lines();
    assertThat(lines.get(1)).startsWith("Layer (type)").contains("Output Shape", "Param #",
        "Previous Layer");
    assertThat(lines).anyMatch(l -> l.startsWith("pred(FullyConnected)") && l.contains("20"));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("Total params: 20");
  }

  @Test
  void opsListsEveryRegisteredOperatorWithItsParameters() {
    CliRun all = CliRun.of("ops");
    assertThat(all.code()).isZero();
    assertThat(all.lines()).hasSize(org.kindling.tensor.op.OpRegistry.all().size())
        .anyMatch(l -> l.startsWith("Convolution\t"));
    CliRun one = CliRun.of("ops", "Softmax");
    assertThat(one.lines()).containsExactly("SoftmaxOutput\tSoftmax\tgrad_scale=1.0, "
        + "ignore_label=-1.0, multi_output=False, use_ignore=False, preserve_shape=False, "
        + "normalization=null, out_grad=False, smooth_alpha=0.0");
    CliRun unknown = CliRun.of("ops", "NoSuchOp");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("unknown operator 'NoSuchOp'");
  }

  @Test
  void summaryOfZooNetworksGivesMxnetsParameterCounts() {
    CliRun lenet = CliRun.of("summary", "--network", "lenet", "--shape", "1,1,28,28");
    assertThat(lenet.code()).as(lenet.err()).isZero();
    assertThat(lenet.lines().get(lenet.lines().size() - 1)).isEqualTo("Total params: 431,080");
    CliRun vgg = CliRun.of("summary", "--network", "vgg16", "--shape", "1,3,224,224");
    assertThat(vgg.lines().get(vgg.lines().size() - 1)).isEqualTo("Total params: 138,357,544");
    CliRun both = CliRun.of("summary", "--network", "lenet", "--symbol", "x.json", "--shape",
        "1,1,28,28");
    assertThat(both.code()).isEqualTo(2);
  }

  @Test
  void summaryReportsTheMemoryPlanBeforeTheTotal() {
    CliRun infer = CliRun.of("summary", "--network", "lenet", "--shape", "1,1,28,28");
    assertThat(infer.code()).as(infer.err()).isZero();
    List<String> l = infer.lines();
    // naive: conv1 and its relu 2 x 20x24x24 floats, pool1 20x12x12, conv2 and relu 2 x 50x8x8,
    // pool2 and flatten 2 x 800, fc1 and relu 2 x 500, fc2 and softmax 2 x 10. Each relu runs
    // inside its layer (fusion), so the layers' outputs are never values of their own. In place,
    // flatten and softmax take their inputs' buffers as well. Co-sharing alone: relu1's 46,080
    // and pool1's 11,520-byte blocks serve every later value within 16x, but fc2 and softmax
    // need 40-byte blocks of their own. Both: the same two, plus 2,000 bytes for fc1's relu (the
    // 11,520 block still holds flatten) and 40 for fc2 and softmax: greedy, as MXNet's, so the
    // planner keeps the co-share-only plan, the smaller.
    assertThat(l.subList(l.size() - 5, l.size() - 1)).containsExactly(
        "memory naive: 139760 bytes", "memory inplace: 75640 bytes",
        "memory coshare: 57680 bytes", "memory planned: 57680 bytes");
    CliRun train = CliRun.of("summary", "--network", "lenet", "--shape", "1,1,28,28", "--train");
    List<String> t = train.lines();
    assertThat(t.get(t.size() - 5)).startsWith("memory naive: ");
    long naive = Long.parseLong(t.get(t.size() - 5).replaceAll("\\D", ""));
    long planned = Long.parseLong(t.get(t.size() - 2).replaceAll("\\D", ""));
    assertThat(naive).as("training adds the gradients").isGreaterThan(139760);
    assertThat(planned).isLessThan(naive);
    assertThat(t.get(t.size() - 1)).isEqualTo("Total params: 431,080");
  }
}
