package org.kindling.it.mxnet;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Copies the native libraries of {@code ai.djl.mxnet:mxnet-native-mkl:1.9.1:linux-x86_64} from
 * the class path into a directory. The jar holds {@code native/lib/libmxnet.so} with the
 * libraries it needs that a plain Debian lacks ({@code libopenblas.so.0}, {@code
 * libgfortran.so.3}, {@code libquadmath.so.0}, {@code libgomp.so.1}) and a {@code
 * mxnet.properties} listing them. {@code libmxnet.so} has {@code RPATH $ORIGIN}, so once they sit
 * side by side the dynamic linker finds its dependencies without {@code LD_LIBRARY_PATH}.
 */
final class MxnetNatives {
  private static final String DIR = "native/lib/";
  private static final String EXPECTED_VERSION = "1.9.1";

  private MxnetNatives() {}

  /**
   * Extracts every library listed in {@code native/lib/mxnet.properties} into {@code target},
   * skipping files already there with the same size and time stamp (about 185 MB in all).
   *
   * @return the path of {@code libmxnet.so}
   * @throws IllegalStateException if the MXNet native jar is not on the class path or is not
   *     version 1.9.1 for linux-x86_64
   */
  static Path extract(Path target) throws IOException {
    ClassLoader cl = MxnetNatives.class.getClassLoader();
    URL propsUrl = cl.getResource(DIR + "mxnet.properties");
    if (propsUrl == null) {
      throw new IllegalStateException("no " + DIR + "mxnet.properties on the class path: put "
          + "ai.djl.mxnet:mxnet-native-mkl:1.9.1:linux-x86_64 on the test class path");
    }
    Properties props = new Properties();
    try (InputStream in = propsUrl.openStream()) {
      props.load(in);
    }
    String version = props.getProperty("version", "");
    String classifier = props.getProperty("classifier", "");
    if (!version.startsWith(EXPECTED_VERSION) || !classifier.endsWith("linux-x86_64")) {
      throw new IllegalStateException(propsUrl + " describes MXNet " + version + " for "
          + classifier + "; the oracle tests need " + EXPECTED_VERSION + " for linux-x86_64");
    }
    List<String> names = new ArrayList<>();
    for (String n : props.getProperty("libraries", "").split(",")) {
      if (!n.isBlank()) {
        names.add(n.trim());
      }
    }
    if (!names.contains("libmxnet.so")) {
      throw new IllegalStateException(propsUrl + " lists no libmxnet.so: " + names);
    }
    Files.createDirectories(target);
    for (String name : names) {
      copy(cl, name, target.resolve(name));
    }
    return target.resolve("libmxnet.so");
  }

  private static void copy(ClassLoader cl, String name, Path dest) throws IOException {
    URL url = cl.getResource(DIR + name);
    if (url == null) {
      throw new IllegalStateException("mxnet.properties lists " + name + " but " + DIR + name
          + " is not on the class path");
    }
    URLConnection conn = url.openConnection();
    conn.setUseCaches(false); // do not keep the 47 MB jar open through a cached JarFile
    long size = conn.getContentLengthLong();
    long time = conn instanceof JarURLConnection j && j.getJarEntry() != null
        ? j.getJarEntry().getTime() : conn.getLastModified();
    if (Files.isRegularFile(dest) && Files.size(dest) == size
        && Files.getLastModifiedTime(dest).toMillis() == time) {
      return; // extracted by an earlier run
    }
    Path part = Files.createTempFile(dest.getParent(), name, ".part");
    try (InputStream in = conn.getInputStream()) {
      Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(part, FileTime.fromMillis(time));
      Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
  }
}
