#!/usr/bin/env node
import { createLogger } from '../shared/logger.js';
import { ComposeNetworkJoiner } from './compose-network-joiner.js';
import { connectDocker } from './docker-connection.js';
import { RUNNER_CONTAINER, RUNNER_PORT } from './runner-container.js';
import { startTcpRelay, type Upstream } from './tcp-relay.js';

/**
 * The runner's companion container: it carries the name `model-runner.docker.internal` onto every
 * Compose network and relays that name's port to the runner. The runner itself does not join those
 * networks: on Engine 20.10 joining a network whose name sorts before `bridge` moves a container's
 * published ports there, cutting the host's and the default bridge's connections (measured).
 * This container publishes nothing, so its networks can come and go.
 */
async function main(): Promise<void> {
  const log = createLogger(process.env.LOG_LEVEL || 'info');
  const self = process.env.MODEL_RUNNER_ALIAS_CONTAINER;
  if (!self) throw new Error('MODEL_RUNNER_ALIAS_CONTAINER must name this container');
  const port = Number(process.env.MODEL_RUNNER_PORT || RUNNER_PORT);
  const docker = await connectDocker(process.env.DOCKER_HOST || 'unix:///var/run/docker.sock');
  const selfId = (await docker.getContainer(self).inspect()).Id;

  /** The runner's address on the default bridge, where both containers are. */
  const runner = async (): Promise<Upstream> => {
    const info = await docker.getContainer(RUNNER_CONTAINER).inspect();
    const host = info.NetworkSettings.Networks.bridge?.IPAddress;
    if (!host) throw new Error(`${RUNNER_CONTAINER} has no address on the default bridge`);
    return { host, port };
  };
  // Desktop's port too, whatever port the runner was installed on: files written for Desktop name
  // http://model-runner.docker.internal:12434/. Nothing is published, so no host port is taken.
  const ports = [...new Set([port, RUNNER_PORT])];
  const relays = await Promise.all(ports.map((listenPort) => startTcpRelay(listenPort, runner)));
  const joiner = new ComposeNetworkJoiner(docker, selfId, log.child({ component: 'joiner' }));
  await joiner.start();
  log.info({ ports, runnerPort: port }, 'relaying model-runner.docker.internal to the runner');

  const stop = async () => {
    joiner.close();
    await Promise.all(relays.map((relay) => relay.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`model-runner alias relay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
