package org.kindling.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files made by real MXNet, kept in this module's test resources under {@code mxnet/} (see the
 * README there for their provenance and license), as paths on disk.
 *
 * <p>Other modules see these resources through core-tensor's test jar; when they sit inside a jar
 * they are copied once per JVM into a temporary directory, so that a checkpoint's symbol and
 * params files stay side by side.
 */
public final class MxnetFixtures {
  /** Every fixture file; the README beside them says where each comes from. */
  private static final String[] FILES = {
      "README.md", "dmlc-sample.rec", "go_test-symbol.json", "go_test-0001.params",
      "expected_outputs_mxnet-1.9.1.txt"};

  private static Path dir;

  private MxnetFixtures() {}

  /** The fixture called {@code name}, e.g. {@code "dmlc-sample.rec"}. */
  public static Path path(String name) {
    return dir().resolve(name);
  }

  /** The directory that holds every fixture. */
  public static synchronized Path dir() {
    if (dir == null) {
      dir = locate();
    }
    return dir;
  }

  private static Path locate() {
    URL readme = MxnetFixtures.class.getResource("/mxnet/README.md");
    if (readme == null) {
      throw new IllegalStateException("test resource /mxnet/README.md is not on the class path: "
          + "add kindling-core-tensor's test-jar as a test dependency");
    }
    try {
      if ("file".equals(readme.getProtocol())) {
        return Path.of(readme.toURI()).getParent();
      }
      Path tmp = Files.createTempDirectory("kindling-mxnet-fixtures");
      tmp.toFile().deleteOnExit();
      for (String f : FILES) {
        try (InputStream in = MxnetFixtures.class.getResourceAsStream("/mxnet/" + f)) {
          if (in == null) {
            throw new IllegalStateException("test resource /mxnet/" + f + " is missing");
          }
          Path target = tmp.resolve(f);
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          target.toFile().deleteOnExit();
        }
      }
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
