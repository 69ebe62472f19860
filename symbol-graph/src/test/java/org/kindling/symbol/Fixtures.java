package org.kindling.symbol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.kindling.testing.MxnetFixtures;

/** Locates this module's test resources and the MXNet fixtures. */
public final class Fixtures {
  private Fixtures() {}

  /** A file made by real MXNet (see {@link MxnetFixtures}). */
  public static Path mxnet(String name) {
    return MxnetFixtures.path(name);
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
