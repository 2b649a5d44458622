package dev.reliablemessaging.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Plain RocketMQ clients for tests: read what really reached a topic, or feed a listener directly.
 */
public final class RocketMqTestUtils {

	private RocketMqTestUtils() {
	}

	/**
	 * Reads {@code count} messages of {@code topic} from the earliest offset of each of its queues, with a client of
	 * its own that commits no offset; fails, saying how many arrived, when fewer are there within {@code timeout}.
	 */
	public static List<MessageExt> poll(String nameServer, String topic, int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("test-poll-" + shortId());
		consumer.setNamesrvAddr(nameServer);
		consumer.setInstanceName("test-poll-" + UUID.randomUUID());
		consumer.setAutoCommit(false);
		List<MessageExt> received = new ArrayList<>();
		try {
			consumer.start();
			Collection<MessageQueue> queues = await().atMost(timeout)
				.ignoreExceptions()
				.pollInterval(Duration.ofMillis(100))
				.until(() -> consumer.fetchMessageQueues(topic), (found) -> !found.isEmpty());
			consumer.assign(queues);
			for (MessageQueue queue : queues) {
				consumer.seekToBegin(queue);
			}
			while (received.size() < count && System.nanoTime() < deadline) {
				received.addAll(consumer.poll(Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000))));
			}
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Topic '" + topic + "' has no route at " + nameServer + " within " + timeout, ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not read topic '" + topic + "' at " + nameServer, ex);
		}
		finally {
			consumer.shutdown();
		}
		if (received.size() < count) {
			throw new AssertionError("Expected " + count + " messages on topic '" + topic + "' within " + timeout
					+ " but read " + received.size());
		}
		return received;
	}

	/** Sends a message with a UTF-8 body; see {@link #send(String, Message)}. */
	public static SendResult send(String nameServer, String topic, String body) {
		return send(nameServer, new Message(topic, body.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Sends a message synchronously with a producer of its own, any body at all, and fails unless the broker
	 * answers {@code SEND_OK}.
	 */
	public static SendResult send(String nameServer, Message message) {
		DefaultMQProducer producer = new DefaultMQProducer("test-send-" + shortId());
		producer.setNamesrvAddr(nameServer);
		producer.setInstanceName("test-send-" + UUID.randomUUID());
		try {
			producer.start();
			SendResult result = producer.send(message);
			if (result.getSendStatus() != SendStatus.SEND_OK) {
				throw new AssertionError("The broker answered " + result.getSendStatus() + " to a message to topic '"
						+ message.getTopic() + "'");
			}
			return result;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not send to topic '" + message.getTopic() + "' at " + nameServer, ex);
		}
		finally {
			producer.shutdown();
		}
	}

	private static String shortId() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
