package dev.reliablemessaging.autoconfigure.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.rocketmq.broker.BrokerController;
import org.jspecify.annotations.Nullable;

/**
 * A real RocketMQ name server and broker running in this JVM, on loopback ports, with a persistent store; built from
 * {@link EmbeddedBrokerSettings}. The name server and the broker start and stop separately, so that a test can run a
 * name server whose broker is down; both keep their ports and the broker its store across restarts. With several
 * broker groups, each group is a master of its own on the same name server, and starts and stops on its own too.
 */
public final class EmbeddedRocketMq implements AutoCloseable {

	static final String HOST = "127.0.0.1";

	private final EmbeddedNameServer nameServer;

	private final @Nullable EmbeddedController controller;

	private final List<EmbeddedBroker> brokers = new ArrayList<>();

	public EmbeddedRocketMq(EmbeddedBrokerSettings settings) {
		int nameServerPort = (settings.nameServerPort() != 0) ? settings.nameServerPort() : LoopbackPorts.free();
		this.nameServer = new EmbeddedNameServer(nameServerPort, directory(settings, "namesrv"), settings.tlsOnly());
		this.controller = settings.controllerMode()
				? new EmbeddedController((settings.controllerPort() != 0) ? settings.controllerPort() : LoopbackPorts.free(),
						directory(settings, "controller"))
				: null;
		String controllerAddress = (this.controller != null) ? this.controller.address() : null;
		int replicas = settings.controllerMode() ? 2 : 1;
		for (int group = 0; group < settings.brokerGroups(); group++) {
			String brokerName = settings.brokerName()
					+ ((settings.brokerGroups() == 1) ? "" : "-" + (char) ('a' + group));
			for (int replica = 1; replica <= replicas; replica++) {
				int brokerPort = settings.brokerPort(this.brokers.size());
				brokerPort = (brokerPort != 0) ? brokerPort : LoopbackPorts.freeForBroker();
				String name = (replicas == 1) ? brokerName : brokerName + "#" + replica;
				String dir = "broker" + name.substring(settings.brokerName().length()).replace('#', '-');
				this.brokers.add(new EmbeddedBroker(settings, name, brokerName, this.nameServer.address(),
						directory(settings, dir), brokerPort, LoopbackPorts.free(), controllerAddress));
			}
		}
	}

	/** Starts the name server and the broker and waits until the broker is registered. */
	public EmbeddedRocketMq start() {
		startNameServer();
		startBroker();
		return this;
	}

	/** Starts the name server, and in controller mode the controller. */
	public void startNameServer() {
		this.nameServer.start();
		if (this.controller != null) {
			this.controller.start();
		}
	}

	/** Starts every broker that is not running, and waits until clients can route them. */
	public void startBroker() {
		this.brokers.forEach(EmbeddedBroker::start);
	}

	/** Starts one broker (a group, or a replica in controller mode), unless it runs, and waits until it registered. */
	public void startBroker(String name) {
		group(name).start();
	}

	/** Stops one broker (a group, or a replica in controller mode); the others and the name server keep running. */
	public void stopBroker(String name) {
		group(name).stop();
	}

	/**
	 * The names of the brokers: the broker groups, as clients see them in routes; in controller mode each group's
	 * replicas, {@code <group>#1} and {@code <group>#2}.
	 */
	public List<String> brokerNames() {
		return this.brokers.stream().map(EmbeddedBroker::name).toList();
	}

	/** The running broker of that name, or {@code null} when it is stopped. */
	public @Nullable BrokerController broker(String name) {
		return group(name).controller();
	}

	/** The brokers that are running and are their group's master (in controller mode: elected). */
	public List<String> masters() {
		return this.brokers.stream().filter(EmbeddedBroker::isMaster).map(EmbeddedBroker::name).toList();
	}

	/**
	 * Creates a topic with {@code queues} read and write queues on the running broker, or leaves it as it is when it
	 * exists, and registers it with the name server so that clients can route it at once.
	 */
	public void createTopic(String topic, int queues) {
		List<EmbeddedBroker> running = this.brokers.stream().filter((broker) -> broker.controller() != null).toList();
		if (running.isEmpty()) {
			throw new IllegalStateException("Cannot create topic '" + topic + "': no embedded broker is running");
		}
		running.forEach((broker) -> broker.createTopic(topic, queues));
	}

	/** Stops every broker; the name server (and the controller) keep running. */
	public void stopBroker() {
		this.brokers.forEach(EmbeddedBroker::stop);
	}

	@Override
	public void close() {
		stopBroker();
		if (this.controller != null) {
			this.controller.stop();
		}
		this.nameServer.stop();
	}

	public String nameServerAddress() {
		return this.nameServer.address();
	}

	/** The first running broker, or {@code null} when it is stopped. */
	public @Nullable BrokerController broker() {
		return this.brokers.get(0).controller();
	}

	private EmbeddedBroker group(String name) {
		return this.brokers.stream()
			.filter((broker) -> broker.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No broker " + name + "; there are " + brokerNames()));
	}

	private static Path directory(EmbeddedBrokerSettings settings, String name) {
		Path dir = settings.storeDir().resolve(name).toAbsolutePath();
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the embedded RocketMQ directory " + dir, ex);
		}
		return dir;
	}

}
