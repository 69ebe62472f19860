package org.kindling.bench;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What the benchmarks report about the DJL engines they run (PyTorch, MXNet). */
public final class DjlEngines {
  private DjlEngines() {}

  /** Whether a DJL engine reports {@code capability} (an {@code StandardCapabilities} name). */
  public static String onOff(Engine engine, String capability) {
    return engine.hasCapability(capability) ? "on" : "off";
  }

  /**
   * The version of the MXNet native jar on the class path ({@code native/lib/mxnet.properties},
   * e.g. {@code 1.9.1-20220812}): DJL's 1.9.1 build itself reports {@code MXNET_VERSION} 1.9.0.
   */
  public static String mxnetNativeVersion() throws IOException {
    try (InputStream in = DjlEngines.class.getClassLoader()
        .getResourceAsStream("native/lib/mxnet.properties")) {
      if (in == null) {
        return "?";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "?");
    }
  }
}
