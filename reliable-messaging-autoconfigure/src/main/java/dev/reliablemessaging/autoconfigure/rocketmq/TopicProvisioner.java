package dev.reliablemessaging.autoconfigure.rocketmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Makes sure the topics an application publishes to or listens on exist before the relay and the consumers start.
 * <ul>
 * <li>On the embedded broker (a developer's, or the test kit's) it creates them, on every broker group, as an
 * operator would; a topic the application publishes to without declaring it is created on its first send.</li>
 * <li>On a cluster whose brokers create topics on first use ({@code autoCreateTopicEnable=true}) it creates them the
 * same way, so that their routes exist at once.</li>
 * <li>On a production cluster, where brokers create nothing, a topic that still has no route after a few seconds (a
 * cluster electing its master routes nothing meanwhile) stops start-up with a message that names it and the command
 * that creates it: nothing would ever be sent to it or received from it.</li>
 * </ul>
 * A cluster whose name server knows no broker at start-up cannot say; then the topics are checked when the relay
 * first sends (a missing topic keeps its rows waiting, visible in health).
 */
public final class TopicProvisioner implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(TopicProvisioner.class);

	private static final Duration ROUTE_WAIT = Duration.ofSeconds(10);

	private static final long TIMEOUT_MILLIS = 5_000;

	private final DefaultMQProducer producer;

	private final BrokerInspector inspector;

	private final int queues;

	private final boolean embedded;

	private final Supplier<Set<String>> declaredTopics;

	public TopicProvisioner(DefaultMQProducer producer, BrokerInspector inspector, int queues, boolean embedded,
			Supplier<Set<String>> declaredTopics) {
		this.producer = producer;
		this.inspector = inspector;
		this.queues = queues;
		this.embedded = embedded;
		this.declaredTopics = declaredTopics;
	}

	@Override
	public void afterSingletonsInstantiated() {
		provision(this.declaredTopics.get());
	}

	void provision(Set<String> topics) {
		List<String> missing = topics.stream().filter((topic) -> !routable(topic)).toList();
		if (missing.isEmpty()) {
			return;
		}
		Map<String, String> masters = masters();
		if (masters.isEmpty()) {
			logger.warn("The name server knows no broker now, so topics {} cannot be checked; they are needed once "
					+ "a broker is up", missing);
			return;
		}
		if (this.embedded || brokersCreateTopics(masters)) {
			missing.forEach((topic) -> create(topic, masters));
			return;
		}
		// a cluster that is electing a master, or being provisioned as the application starts, routes them shortly
		missing = missingAfter(missing, ROUTE_WAIT);
		if (missing.isEmpty()) {
			return;
		}
		throw new IllegalStateException("Topics " + missing + " do not exist on the brokers of "
				+ this.producer.getNamesrvAddr() + ", which create no topics (autoCreateTopicEnable=false): the "
				+ "application publishes to or listens on them, and nothing would ever be sent or received. Create "
				+ "them, for example: " + String.join("; ", missing.stream()
					.map((topic) -> "mqadmin updateTopic -n " + this.producer.getNamesrvAddr() + " -c <cluster> -t "
							+ topic + " -r " + this.queues + " -w " + this.queues)
					.toList()));
	}

	/**
	 * Creates a topic that the application publishes to without having declared it, when the broker is the embedded
	 * one, which creates nothing on its own; elsewhere a topic is an operator's to create.
	 * @return whether the topic is routable now
	 */
	public boolean provisionOnDemand(String topic) {
		if (!this.embedded) {
			return false;
		}
		Map<String, String> masters = masters();
		if (!masters.isEmpty()) {
			create(topic, masters);
		}
		return routable(topic);
	}

	/** Creates a topic on every master, as {@code mqadmin updateTopic} does, and waits until it has a route. */
	private void create(String topic, Map<String, String> masters) {
		TopicConfig config = new TopicConfig(topic, this.queues, this.queues, PermName.PERM_READ | PermName.PERM_WRITE);
		List<String> failures = new ArrayList<>();
		masters.forEach((broker, address) -> {
			try {
				this.producer.getDefaultMQProducerImpl()
					.getMqClientFactory()
					.getMQClientAPIImpl()
					.createTopic(address, TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, config, TIMEOUT_MILLIS);
			}
			catch (Exception ex) {
				failures.add(broker + ": " + BrokerInspector.brokerMessage(ex));
			}
		});
		if (!failures.isEmpty()) {
			throw new IllegalStateException("Could not create topic '" + topic + "' on " + failures
					+ "; create it on the brokers");
		}
		awaitRoute(topic);
		logger.info("Created topic '{}' with {} queues on {}", topic, this.queues, masters.keySet());
	}

	private void awaitRoute(String topic) {
		long deadline = System.nanoTime() + ROUTE_WAIT.toNanos();
		while (!routable(topic)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Topic '" + topic + "' was created but has no route after " + ROUTE_WAIT);
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while creating topic '" + topic + "'", ex);
			}
		}
	}

	/** The topics of {@code topics} that still have no route after {@code wait}. */
	private List<String> missingAfter(List<String> topics, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		List<String> missing = topics;
		while (!missing.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return missing;
			}
			missing = missing.stream().filter((topic) -> !routable(topic)).toList();
		}
		return missing;
	}

	/** Whether the brokers create topics on first use: their configuration says so, or their template topic routes. */
	private boolean brokersCreateTopics(Map<String, String> masters) {
		try {
			for (Properties config : this.inspector.masterConfigs().values()) {
				if (Boolean.parseBoolean(config.getProperty("autoCreateTopicEnable", "false"))) {
					return true;
				}
			}
			return false;
		}
		catch (Exception ex) {
			// a user without the right to read broker configurations: the template topic routes only where it is used
			return routable(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC);
		}
	}

	private Map<String, String> masters() {
		try {
			return this.inspector.masters();
		}
		catch (Exception ex) {
			return Map.of();
		}
	}

	private boolean routable(String topic) {
		try {
			return !this.producer.fetchPublishMessageQueues(topic).isEmpty();
		}
		catch (MQClientException ex) {
			return false;
		}
	}

}
