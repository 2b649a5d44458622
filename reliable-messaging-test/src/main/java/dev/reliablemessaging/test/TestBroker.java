package dev.reliablemessaging.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.broker.offset.ConsumerOffsetManager;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.exception.ConsumeQueueException;
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

	/** Where every queue of every topic on the masters ends now. */
	QueueEnds queueEnds() {
		Map<QueueEnds.Queue, Long> ends = new HashMap<>();
		for (String name : this.broker.masters()) {
			BrokerController master = this.broker.broker(name);
			if (master == null) {
				continue;
			}
			master.getTopicConfigManager().getTopicConfigTable().forEach((topic, config) -> {
				for (int queueId = 0; queueId < config.getReadQueueNums(); queueId++) {
					ends.put(new QueueEnds.Queue(name, topic, queueId), endOf(master, topic, queueId));
				}
			});
		}
		return new QueueEnds(ends);
	}

	private static long endOf(BrokerController master, String topic, int queueId) {
		try {
			return master.getMessageStore().getMaxOffsetInQueue(topic, queueId);
		}
		catch (ConsumeQueueException ex) {
			throw new IllegalStateException("Cannot read the end of queue " + queueId + " of topic " + topic, ex);
		}
	}

	/** Moves a consumer group to {@code ends} on the queues of {@code topics} where it has not come that far. */
	void startGroupAt(String group, Set<String> topics, QueueEnds ends) {
		for (String name : this.broker.masters()) {
			BrokerController master = this.broker.broker(name);
			if (master == null) {
				continue;
			}
			ConsumerOffsetManager offsets = master.getConsumerOffsetManager();
			for (String topic : topics) {
				TopicConfig config = master.getTopicConfigManager().selectTopicConfig(topic);
				for (int queueId = 0; config != null && queueId < config.getReadQueueNums(); queueId++) {
					Long end = ends.of(name, topic, queueId);
					if (end != null && offsets.queryOffset(group, topic, queueId) < end) {
						offsets.commitOffset("reliable-messaging-test", group, topic, queueId, end);
					}
				}
			}
		}
	}

	/** Whether a consumer group has committed the end of every queue of a topic on every master. */
	boolean caughtUp(String group, String topic) {
		QueueEnds ends = queueEnds();
		return ends.ends().entrySet().stream().filter((end) -> end.getKey().topic().equals(topic)).allMatch((end) -> {
			BrokerController master = this.broker.broker(end.getKey().broker());
			return master != null && master.getConsumerOffsetManager()
				.queryOffset(group, topic, end.getKey().queueId()) >= end.getValue();
		});
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
