package dev.reliablemessaging.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.springframework.util.FileSystemUtils;

/**
 * An embedded name server and broker on a store of its own in a temporary directory, which goes when it closes.
 */
final class TestBroker implements RocketMqBroker, AutoCloseable {

	private static final int QUEUES = 4;

	/** Every redelivery level one second apart, so retry tests take seconds instead of minutes. */
	private static final String FAST_REDELIVERY = String.join(" ", Collections.nCopies(18, "1s"));

	private final EmbeddedRocketMq broker;

	private final Path store;

	private final String description;

	TestBroker(FlushDiskType flushDiskType, Topology topology) {
		this.store = temporaryStore();
		this.broker = new EmbeddedRocketMq(topology(EmbeddedBrokerSettings.of(this.store), topology)
			.withFlushDiskType(flushDiskType)
			.withStoreCustomizer((config) -> config.setMessageDelayLevel(FAST_REDELIVERY)));
		this.description = topology + " broker, " + flushDiskType + ", store " + this.store;
		this.broker.start();
	}

	private static EmbeddedBrokerSettings topology(EmbeddedBrokerSettings settings, Topology topology) {
		return switch (topology) {
			case SINGLE -> settings;
			case TWO_GROUPS -> settings.withBrokerGroups(2);
			case CONTROLLER -> settings.withControllerMode();
		};
	}

	private static Path temporaryStore() {
		try {
			return Files.createTempDirectory("rm-test-broker-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a store directory for the test broker", ex);
		}
	}

	@Override
	public String nameServer() {
		return this.broker.nameServerAddress();
	}

	@Override
	public void createTopic(String topic) {
		this.broker.createTopic(topic, QUEUES);
	}

	@Override
	public void stop() {
		this.broker.stopBroker();
	}

	@Override
	public void start() {
		this.broker.startBroker();
	}

	@Override
	public boolean isRunning() {
		return this.broker.brokerNames().stream().allMatch((name) -> this.broker.broker(name) != null);
	}

	@Override
	public List<String> brokers() {
		return this.broker.brokerNames();
	}

	@Override
	public List<String> masters() {
		return this.broker.masters();
	}

	@Override
	public void stop(String broker) {
		this.broker.stopBroker(broker);
	}

	@Override
	public void start(String broker) {
		this.broker.startBroker(broker);
	}

	@Override
	public void close() {
		this.broker.close();
		FileSystemUtils.deleteRecursively(this.store.toFile());
	}

	@Override
	public String toString() {
		return "RocketMqBroker[" + nameServer() + ", " + this.description + "]";
	}

}
