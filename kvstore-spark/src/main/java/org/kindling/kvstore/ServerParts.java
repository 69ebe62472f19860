package org.kindling.kvstore;

/**
 * What every connection handler of one server shares: its settings, its state thread, the job's
 * MAC (built when the server starts), the handshake caps, the frame limits, the byte counters and
 * the controller's slot.
 */
record ServerParts(KVStoreServerConfig config, ServerState state, JobMac mac, LoginGate gate,
    FrameLimits limits, ServerTraffic traffic, ControllerSlot controller) {

  static ServerParts of(KVStoreServerConfig config) {
    JobMac mac = new JobMac(config.secretUnsafe()); // first: it may refuse this JVM
    ServerTraffic traffic = new ServerTraffic();
    return new ServerParts(config, new ServerState(config, traffic), mac,
        new LoginGate(config.maxUnauthenticated(), config.maxUnauthenticatedPerAddress()),
        new FrameLimits(config.maxFrameBytes(), config.maxMessageBytes()), traffic, new ControllerSlot());
  }
}
