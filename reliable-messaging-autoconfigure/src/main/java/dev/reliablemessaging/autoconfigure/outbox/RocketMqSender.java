package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.jspecify.annotations.Nullable;

/**
 * Sends outbox rows with synchronous sends, one message or one batch at a time, and picks the queue of an ordering
 * key.
 */
public final class RocketMqSender {

	/** How long a topic's route is used before it is asked again: a group that left or came back shows this late. */
	private static final Duration ROUTE_CACHE_TIME = Duration.ofSeconds(1);

	private final DefaultMQProducer producer;

	private final QueueLayouts layouts;

	private final Map<String, CachedQueues> routesByTopic = new ConcurrentHashMap<>();

	public RocketMqSender(DefaultMQProducer producer, RelayDatabase database) {
		this.producer = producer;
		this.layouts = new QueueLayouts(database);
	}

	/**
	 * Sends rows as one message or one batch, to the given queue or to any queue of the topic.
	 * @throws Exception whatever the client throws; the caller counts it as a failure
	 */
	SendResult send(List<OutboxRow> rows, @Nullable MessageQueue queue) throws Exception {
		if (rows.size() == 1) {
			Message message = toMessage(rows.get(0));
			return (queue != null) ? this.producer.send(message, queue) : this.producer.send(message);
		}
		List<Message> messages = new ArrayList<>(rows.size());
		for (OutboxRow row : rows) {
			messages.add(toMessage(row));
		}
		return (queue != null) ? this.producer.send(messages, queue) : this.producer.send(messages);
	}

	/**
	 * The queue of an ordering key: a stable hash over every queue the topic has had (its {@link QueueLayouts
	 * layout}), so that the key keeps its queue when a broker group leaves the route.
	 * @throws QueueUnavailableException when the key's queue is not in the route now: its rows wait for it
	 */
	MessageQueue queueFor(String topic, String orderingKey) throws Exception {
		List<MessageQueue> routed = routeOf(topic);
		List<MessageQueue> layout = this.layouts.layout(topic, routed);
		MessageQueue queue = layout.get(Math.floorMod(orderingKey.hashCode(), layout.size()));
		if (!routed.contains(queue)) {
			throw new QueueUnavailableException("Queue " + queue.getQueueId() + " of broker group "
					+ queue.getBrokerName() + ", the queue of ordering key '" + orderingKey + "' on topic " + topic
					+ ", is not in the route: the key's rows wait until the group is back, to keep their order");
		}
		return queue;
	}

	/** Size of a row as RocketMQ counts it in a batch, roughly: body, topic and properties. */
	static int approximateSize(OutboxRow row) {
		int size = row.payload().length + row.topic().length() + 96 + 2 * row.messageId().length();
		for (Map.Entry<String, String> header : row.headers().entrySet()) {
			size += header.getKey().length() + header.getValue().length() + 2;
		}
		return size + ((row.key() != null) ? 2 * row.key().length() : 0);
	}

	public static Message toMessage(OutboxRow row) {
		Message message = new Message(row.topic(), row.payload());
		if (row.tag() != null) {
			message.setTags(row.tag());
		}
		message.setKeys((row.key() != null) ? List.of(row.messageId(), row.key()) : List.of(row.messageId()));
		row.headers().forEach(message::putUserProperty);
		message.putUserProperty(MessageHeaders.MESSAGE_ID, row.messageId());
		message.putUserProperty(MessageHeaders.CREATED_AT, Long.toString(row.createdAt().toEpochMilli()));
		if (row.key() != null) {
			message.putUserProperty(MessageHeaders.KEY, row.key());
		}
		return message;
	}

	private List<MessageQueue> routeOf(String topic) throws Exception {
		long now = System.nanoTime();
		CachedQueues cached = this.routesByTopic.get(topic);
		if (cached == null || now - cached.expiresAtNanos() > 0) {
			List<MessageQueue> queues;
			try {
				queues = new ArrayList<>(this.producer.fetchPublishMessageQueues(topic));
			}
			catch (Exception ex) {
				if (cached != null) {
					return cached.queues(); // the name server did not answer: the last route is still the best guess
				}
				throw ex;
			}
			if (queues.isEmpty()) {
				throw new IllegalStateException("Topic '" + topic + "' has no queues to publish to");
			}
			queues.sort(null);
			cached = new CachedQueues(List.copyOf(queues), now + ROUTE_CACHE_TIME.toNanos());
			this.routesByTopic.put(topic, cached);
		}
		return cached.queues();
	}

	private record CachedQueues(List<MessageQueue> queues, long expiresAtNanos) {
	}

	/** The queue of an ordering key is not in the topic's route now. */
	static final class QueueUnavailableException extends IllegalStateException {

		QueueUnavailableException(String message) {
			super(message);
		}

	}

}
