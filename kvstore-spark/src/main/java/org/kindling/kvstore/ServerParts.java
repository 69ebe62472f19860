package org.kindling.kvstore;

/**
 * What every connection handler of one server shares: its settings, its state thread, the job's
 * MAC (built when the server starts), the handshake caps, the frame limits, the byte counters,
 * the controller's slot and the faults a test puts in its way ({@link ServerFaults#NONE}).
 */
record ServerParts(KVStoreServerConfig config, ServerState state, JobMac mac, LoginGate gate,
    FrameLimits limits, ServerTraffic traffic, ControllerSlot controller, ServerFaults faults) {

  static ServerParts of(KVStoreServerConfig config, ServerFaults faults) {
    // first: it may refuse this JVM
    JobMac mac = new JobMac(config.secretUnsafe(), faults.macProvider());
    ServerTraffic traffic = new ServerTraffic();
    return new ServerParts(config, new ServerState(config, traffic), mac,
        new LoginGate(config.maxUnauthenticated(), config.maxUnauthenticatedPerAddress()),
        new FrameLimits(config.maxFrameBytes(), config.maxMessageBytes()), traffic,
        new ControllerSlot(), faults);
  }
}
