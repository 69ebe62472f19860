package org.kindling.examples;

import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;


/**
 * The Fashion-MNIST IDX files as Debian's {@code dataset-fashion-mnist} package installs them
 * (60,000 training and 10,000 test images of 28x28 pixels, 10 classes). Nothing is downloaded
 * at run time: when the files are missing, root installs the package with apt-get, anyone else
 * gets the command to run.
 *
 * @param dir the directory holding the four {@code .gz} files
 */
public record FashionMnist(Path dir) {

  /** Where the Debian package puts the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The Debian package that provides them. */
  public static final String PACKAGE = "dataset-fashion-mnist";

  /** Training images (IDX3, gzip). */
  public Path trainImages() {
    return dir.resolve("train-images-idx3-ubyte.gz");
  }

  /** Training labels (IDX1, gzip). */
  public Path trainLabels() {
    return dir.resolve("train-labels-idx1-ubyte.gz");
  }

  /** Test images (IDX3, gzip). */
  public Path testImages() {
    return dir.resolve("t10k-images-idx3-ubyte.gz");
  }

  /** Test labels (IDX1, gzip). */
  public Path testLabels() {
    return dir.resolve("t10k-labels-idx1-ubyte.gz");
  }

  /** True if all four files are there. */
  public boolean present() {
    return List.of(trainImages(), trainLabels(), testImages(), testLabels()).stream()
        .allMatch(Files::isRegularFile);
  }

  /**
   * The data set in {@link #DEFAULT_DIR}, installing Debian's package first when the files are
   * missing and this process runs as root.
   *
   * @param log where apt-get's progress goes
   * @throws CommandFailedException if the files are missing and cannot be installed; the
   *     message gives the command to run
   */
  public static FashionMnist locateOrInstall(PrintWriter log) {
    FashionMnist data = new FashionMnist(DEFAULT_DIR);
    if (data.present()) {
      return data;
    }
    String install = "apt-get install -y " + PACKAGE;
    if (!isRoot()) {
      throw new CommandFailedException("Fashion-MNIST is not installed in " + DEFAULT_DIR
          + "; install it with: sudo " + install);
    }
    log.println("Fashion-MNIST is missing in " + DEFAULT_DIR + "; running: " + install);
    if (run(log, "apt-get", "install", "-y", PACKAGE) != 0) {
      log.println("apt-get install failed; running apt-get update first");
      run(log, "apt-get", "update");
      run(log, "apt-get", "install", "-y", PACKAGE);
    }
    if (!data.present()) {
      throw new CommandFailedException("Fashion-MNIST is still missing in " + DEFAULT_DIR
          + " after '" + install + "'; install the package by hand and retry");
    }
    return data;
  }

  private static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int run(PrintWriter log, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.println(line);
        }
      }
      log.flush();
      return p.waitFor();
    } catch (IOException e) {
      log.println(command[0] + " could not run: " + e.getMessage());
      return 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
