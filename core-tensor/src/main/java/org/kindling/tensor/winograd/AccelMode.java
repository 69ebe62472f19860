package org.kindling.tensor.winograd;

import java.util.Locale;

/**
 * The {@code kindling.cpu.accel} setting as this backend reads it: {@code auto} (default; use
 * Winograd where it measured faster), {@code off} (never) or {@code force} (wherever the
 * conditions hold). The one place that reads the property, so that a shared settings class
 * can replace it.
 */
public enum AccelMode {
  AUTO,
  OFF,
  FORCE;

  /** The system property. */
  public static final String PROPERTY = "kindling.cpu.accel";

  /**
   * The mode in effect now (read on every kernel creation, so tests may change it).
   *
   * @throws IllegalArgumentException naming the property and its values if it is not one
   */
  public static AccelMode current() {
    String v = System.getProperty(PROPERTY, "auto").trim();
    try {
      return valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PROPERTY + " is '" + v
          + "'; set it to auto, off or force (-D" + PROPERTY + "=auto)", e);
    }
  }
}
