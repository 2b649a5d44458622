package dev.reliablemessaging.autoconfigure.rocketmq;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Creates the topics an application publishes to or listens on, before the relay and the consumers start. A topic
 * that already exists is left as it is. On the embedded broker a failure stops start-up; on an external broker it
 * is a warning, since operators often create topics themselves and forbid clients to.
 */
public final class TopicProvisioner implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(TopicProvisioner.class);

	private static final Duration ROUTE_WAIT = Duration.ofSeconds(10);

	private final DefaultMQProducer producer;

	private final int queues;

	private final boolean embedded;

	private final Supplier<Set<String>> declaredTopics;

	public TopicProvisioner(DefaultMQProducer producer, int queues, boolean embedded, Supplier<Set<String>> declaredTopics) {
		this.producer = producer;
		this.queues = queues;
		this.embedded = embedded;
		this.declaredTopics = declaredTopics;
	}

	@Override
	public void afterSingletonsInstantiated() {
		provision(this.declaredTopics.get());
	}

	void provision(Set<String> topics) {
		topics.forEach((topic) -> ensureQuietly(topic, this.queues));
	}

	public void ensureTopic(String topic) throws MQClientException {
		ensureTopic(topic, this.queues);
	}

	/**
	 * Creates a topic with the given number of queues unless it has a route, and waits until it has one; on an
	 * external broker a failure is a warning, as for the application's topics.
	 * @return whether the topic is routable now
	 */
	public boolean ensureQuietly(String topic, int queues) {
		try {
			ensureTopic(topic, queues);
			return true;
		}
		catch (RuntimeException | MQClientException ex) {
			if (this.embedded) {
				throw new IllegalStateException("Could not create topic '" + topic + "' on the embedded broker", ex);
			}
			logger.warn("Could not create topic '{}' ({}); create it on the broker", topic, ex.getMessage());
			return false;
		}
	}

	void ensureTopic(String topic, int queues) throws MQClientException {
		if (routable(topic)) {
			return;
		}
		long deadline = System.nanoTime() + ROUTE_WAIT.toNanos();
		while (true) {
			MQClientException failure = null;
			try {
				this.producer.createTopic(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, topic, queues, Map.of());
			}
			catch (MQClientException ex) {
				failure = ex;
			}
			if (routable(topic)) {
				logger.info("Created topic '{}' with {} queues", topic, queues);
				return;
			}
			if (System.nanoTime() > deadline) {
				if (failure != null) {
					throw failure;
				}
				throw new IllegalStateException("Topic '" + topic + "' was created but has no route after " + ROUTE_WAIT);
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while creating topic '" + topic + "'", ex);
			}
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
