package org.kindling.symbol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Locates shared fixtures and test resources. */
public final class Fixtures {
  private Fixtures() {}

  /** A file under {@code shared/fixtures/mxnet}. */
  public static Path mxnet(String name) {
    String dir = System.getProperty("kindling.shared.dir");
    if (dir == null) {
      throw new IllegalStateException(
          "system property kindling.shared.dir is not set (surefire sets it from the root pom)");
    }
    return Path.of(dir, "fixtures", "mxnet", name);
  }

  /** A classpath resource next to this class, as text. */
  public static String resource(String name) throws IOException {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
