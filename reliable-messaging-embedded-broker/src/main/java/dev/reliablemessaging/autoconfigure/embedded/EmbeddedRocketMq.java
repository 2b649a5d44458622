package dev.reliablemessaging.autoconfigure.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.rocketmq.broker.BrokerController;
import org.jspecify.annotations.Nullable;

/**
 * A real RocketMQ name server and broker running in this JVM, on loopback ports, with a persistent store; built from
 * {@link EmbeddedBrokerSettings}. The name server and the broker start and stop separately, so that a test can run a
 * name server whose broker is down; both keep their ports and the broker its store across restarts.
 */
public final class EmbeddedRocketMq implements AutoCloseable {

	static final String HOST = "127.0.0.1";

	private final EmbeddedNameServer nameServer;

	private final EmbeddedBroker broker;

	public EmbeddedRocketMq(EmbeddedBrokerSettings settings) {
		int nameServerPort = (settings.nameServerPort() != 0) ? settings.nameServerPort() : LoopbackPorts.free();
		int brokerPort = (settings.brokerPort() != 0) ? settings.brokerPort() : LoopbackPorts.freeForBroker();
		this.nameServer = new EmbeddedNameServer(nameServerPort, directory(settings, "namesrv"), settings.tlsOnly());
		this.broker = new EmbeddedBroker(settings, this.nameServer.address(), directory(settings, "broker"),
				brokerPort, LoopbackPorts.free());
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

	/** Starts the broker, unless it runs, and waits until clients can route it. */
	public void startBroker() {
		this.broker.start();
	}

	/**
	 * Creates a topic with {@code queues} read and write queues on the running broker, or leaves it as it is when it
	 * exists, and registers it with the name server so that clients can route it at once.
	 */
	public void createTopic(String topic, int queues) {
		this.broker.createTopic(topic, queues);
	}

	public void stopBroker() {
		this.broker.stop();
	}

	@Override
	public void close() {
		this.broker.stop();
		this.nameServer.stop();
	}

	public String nameServerAddress() {
		return this.nameServer.address();
	}

	/** The running broker, or {@code null} when it is stopped. */
	public @Nullable BrokerController broker() {
		return this.broker.controller();
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
