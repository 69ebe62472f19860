package org.kindling.symbol;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
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

  /**
   * A classpath resource next to this class, as a file. Only for this module's own tests, whose
   * resources are files; other modules read them as text with {@link #resource}.
   */
  public static Path resourcePath(String name) throws IOException {
    URL url = Fixtures.class.getResource(name);
    if (url == null) {
      throw new IOException("missing test resource " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("test resource " + name + " is not a file: " + url, e);
    }
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
