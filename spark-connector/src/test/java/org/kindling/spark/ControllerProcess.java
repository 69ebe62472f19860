package org.kindling.spark;

import java.util.HexFormat;
import java.util.List;
import org.kindling.kvstore.KeyServerController;
import org.kindling.kvstore.ServerAddress;

/**
 * A stand-in driver for {@link KeyServerRegistryTest}, run in a child JVM that the test kills:
 * logs in to one key server as the controller ({@code host port secretHex}), says so on
 * standard output, and waits to be killed, its heartbeats keeping the connection alive.
 */
public final class ControllerProcess {
  /** The line printed once logged in. */
  static final String LOGGED_IN = "controller logged in";

  private ControllerProcess() {}

  public static void main(String[] args) throws InterruptedException {
    KeyServerController controller = KeyServerController.connect(
        List.of(new ServerAddress(args[0], Integer.parseInt(args[1]))), 100, "dist_sync",
        HexFormat.of().parseHex(args[2]), 1);
    System.out.println(LOGGED_IN + " " + controller);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
