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

	private final List<EmbeddedBroker> brokers = new ArrayList<>();

	public EmbeddedRocketMq(EmbeddedBrokerSettings settings) {
		int nameServerPort = (settings.nameServerPort() != 0) ? settings.nameServerPort() : LoopbackPorts.free();
		this.nameServer = new EmbeddedNameServer(nameServerPort, directory(settings, "namesrv"), settings.tlsOnly());
		for (int group = 0; group < settings.brokerGroups(); group++) {
			int brokerPort = (group == 0 && settings.brokerPort() != 0) ? settings.brokerPort()
					: LoopbackPorts.freeForBroker();
			String suffix = (settings.brokerGroups() == 1) ? "" : "-" + (char) ('a' + group);
			this.brokers.add(new EmbeddedBroker(settings, settings.brokerName() + suffix, this.nameServer.address(),
					directory(settings, "broker" + suffix), brokerPort, LoopbackPorts.free()));
		}
	}

	/** Starts the name server and the broker and waits until the broker is registered. */
	public EmbeddedRocketMq start() {
		startNameServer();
		startBroker();
		return this;
	}

	public void startNameServer() {
		this.nameServer.start();
	}

	/** Starts every broker group that is not running, and waits until clients can route them. */
	public void startBroker() {
		this.brokers.forEach(EmbeddedBroker::start);
	}

	/** Starts one broker group, unless it runs, and waits until clients can route it. */
	public void startBroker(String name) {
		group(name).start();
	}

	/** Stops one broker group; the others and the name server keep running. */
	public void stopBroker(String name) {
		group(name).stop();
	}

	/** The names of the broker groups, as clients see them in routes. */
	public List<String> brokerNames() {
		return this.brokers.stream().map(EmbeddedBroker::name).toList();
	}

	/** The running master of one broker group, or {@code null} when it is stopped. */
	public @Nullable BrokerController broker(String name) {
		return group(name).controller();
	}

	/**
	 * Creates a topic with {@code queues} read and write queues on the running broker, or leaves it as it is when it
	 * exists, and registers it with the name server so that clients can route it at once.
	 */
	public void createTopic(String topic, int queues) {
		this.brokers.forEach((broker) -> broker.createTopic(topic, queues));
	}

	/** Stops every broker group; the name server keeps running. */
	public void stopBroker() {
		this.brokers.forEach(EmbeddedBroker::stop);
	}

	@Override
	public void close() {
		stopBroker();
		this.nameServer.stop();
	}

	public String nameServerAddress() {
		return this.nameServer.address();
	}

	/** The running master of the first broker group, or {@code null} when it is stopped. */
	public @Nullable BrokerController broker() {
		return this.brokers.get(0).controller();
	}

	private EmbeddedBroker group(String name) {
		return this.brokers.stream()
			.filter((broker) -> broker.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No broker group " + name + "; there are " + brokerNames()));
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
