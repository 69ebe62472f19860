package org.kindling.it.mxnet;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.stream.ImageOutputStream;

/**
 * Images written by the JDK's own ImageIO writers (its libjpeg is IJG 6b), in a child JVM.
 *
 * <p>Why a child: once a JVM has loaded libmxnet (JNA opens it with {@code RTLD_GLOBAL}), its
 * libjpeg-turbo's {@code jpeg_*} symbols win over those of the JDK's {@code libjavajpeg}, and
 * every later {@code JPEGImageWriter} fails with "Wrong JPEG library version: library is 80,
 * caller expects 62" (which {@code ImageIO.write} reports as a silent {@code false}). The oracle
 * tests share one JVM, so the JDK's JPEG codec is only usable in a fresh process.
 */
final class JdkImages {
  private JdkImages() {}

  /** One source image of the folder: relative path, grey or colour. */
  record Source(String path, boolean grey) {}

  /**
   * {@code folder ROOT SEED PATH:GREY...}: writes each image (PNG or JPEG by extension, default
   * JPEG quality) under ROOT; {@code jpeg95 RAW...}: encodes each {@code RAW} file (4-byte big
   * endian height, width, then HWC RGB bytes) at quality 0.95 (libjpeg's 95) into {@code
   * RAW.jpg}.
   */
  public static void main(String[] args) throws IOException {
    if (args[0].equals("folder")) {
      Path root = Path.of(args[1]);
      Random r = new Random(Long.parseLong(args[2]));
      for (int i = 3; i < args.length; i++) {
        int colon = args[i].lastIndexOf(':');
        writeSource(root.resolve(args[i].substring(0, colon)), r,
            Boolean.parseBoolean(args[i].substring(colon + 1)));
      }
    } else if (args[0].equals("jpeg95")) {
      for (int i = 1; i < args.length; i++) {
        byte[] raw = Files.readAllBytes(Path.of(args[i]));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw);
        int h = b.getInt();
        int w = b.getInt();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            img.getRaster().setPixel(x, y, new int[] {b.get() & 0xFF, b.get() & 0xFF,
                b.get() & 0xFF});
          }
        }
        write(img, "jpeg", 0.95f, new File(args[i] + ".jpg"));
      }
    } else {
      throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void writeSource(Path file, Random r, boolean grey) throws IOException {
    int h = 21 + r.nextInt(20);
    int w = 21 + r.nextInt(20);
    BufferedImage img = new BufferedImage(w, h,
        grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    int[] base = {r.nextInt(120), r.nextInt(120), r.nextInt(120)};
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // smooth gradients and a little noise, as photographs are at this scale
        int red = base[0] + (x * 3 + y) % 80 + r.nextInt(8);
        int green = base[1] + (y * 4) % 90 + r.nextInt(8);
        int blue = base[2] + ((x + y) * 2) % 70 + r.nextInt(8);
        img.getRaster().setPixel(x, y, grey ? new int[] {red} : new int[] {red, green, blue});
      }
    }
    Files.createDirectories(file.getParent());
    String name = file.getFileName().toString().toLowerCase();
    write(img, name.endsWith(".png") ? "png" : "jpeg", -1, file.toFile());
  }

  private static void write(BufferedImage img, String format, float quality, File file)
      throws IOException {
    ImageWriter writer = jdkWriter(format);
    ImageWriteParam param = writer.getDefaultWriteParam();
    if (quality >= 0) {
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
    }
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(file)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /**
   * The JDK's own writer of {@code format}, made by its provider directly, so that a failure
   * is an exception and not ImageIO's silent null.
   */
  private static ImageWriter jdkWriter(String format) throws IOException {
    var spis = IIORegistry.getDefaultInstance().getServiceProviders(ImageWriterSpi.class, true);
    while (spis.hasNext()) {
      ImageWriterSpi spi = spis.next();
      if (spi.getClass().getName().startsWith("com.sun.imageio")
          && Arrays.asList(spi.getFormatNames()).contains(format)) {
        return spi.createWriterInstance();
      }
    }
    throw new IllegalStateException("the JDK has no " + format + " writer");
  }

  /** Runs {@link #main} with {@code args} in a child JVM on the test class path. */
  static void inChildJvm(List<String> args) throws IOException, InterruptedException {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Djava.awt.headless=true", "-cp", cp, JdkImages.class.getName()));
    cmd.addAll(args);
    Path log = Files.createTempFile("jdk-images", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("JdkImages " + args.get(0) + " did not finish in 2 minutes");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("JdkImages " + args + " failed:\n" + Files.readString(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
