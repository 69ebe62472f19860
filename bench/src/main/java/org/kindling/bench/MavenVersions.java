package org.kindling.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of a library as Maven recorded it in its jar
 * ({@code META-INF/maven/GROUP/ARTIFACT/pom.properties}), so the table names the versions that
 * actually ran rather than the ones a pom asked for.
 */
public final class MavenVersions {
  private MavenVersions() {}

  /** The version of {@code group:artifact} on the class path, or {@code "?"} if not recorded. */
  public static String of(String group, String artifact) {
    String res = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = MavenVersions.class.getClassLoader().getResourceAsStream(res)) {
      if (in == null) {
        return "?";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "?");
    } catch (IOException e) {
      return "?";
    }
  }
}
