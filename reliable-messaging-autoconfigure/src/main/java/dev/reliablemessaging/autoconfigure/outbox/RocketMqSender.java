package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.reliablemessaging.autoconfigure.rocketmq.TopicProvisioner;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.client.impl.producer.TopicPublishInfo;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.jspecify.annotations.Nullable;

/**
 * Sends outbox rows with synchronous sends, one message or one batch at a time, and picks the queue of an ordering
 * key. Routes come from the RocketMQ client's own table, which it refreshes in the background every
 * {@code route-refresh-interval}; only a topic the client has never routed is asked of the name server here, at most
 * once per {@link #FIRST_ROUTE_RETRY} and bounded by the client's request timeout, so a silent name server never holds
 * up a claim.
 */
public final class RocketMqSender {

	/** How soon the name server is asked again for a topic it did not give a route for. */
	static final Duration FIRST_ROUTE_RETRY = Duration.ofSeconds(5);

	private final DefaultMQProducer producer;

	private final QueueLayouts layouts;

	private final Map<String, Long> lastAskedNanos = new ConcurrentHashMap<>();

	private final @Nullable TopicProvisioner topics;

	/**
	 * @param topics creates a topic the application publishes to without declaring it, where the broker is the
	 * embedded one; {@code null} for none
	 */
	RocketMqSender(DefaultMQProducer producer, RelayDatabase database, @Nullable TopicProvisioner topics) {
		this.producer = producer;
		this.layouts = new QueueLayouts(database);
		this.topics = topics;
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

	/** The queues of a topic's route now, in {@link MessageQueue} order. */
	List<MessageQueue> routeOf(String topic) {
		TopicPublishInfo info = this.producer.getDefaultMQProducerImpl().getTopicPublishInfoTable().get(topic);
		if (info == null || !info.ok()) {
			long now = System.nanoTime();
			Long asked = this.lastAskedNanos.get(topic);
			if (asked == null || now - asked > FIRST_ROUTE_RETRY.toNanos()) {
				this.lastAskedNanos.put(topic, now);
				if (!askNameServer(topic) && this.topics != null && this.topics.provisionOnDemand(topic)) {
					askNameServer(topic);
				}
				info = this.producer.getDefaultMQProducerImpl().getTopicPublishInfoTable().get(topic);
			}
		}
		if (info == null || !info.ok() || info.getMessageQueueList().isEmpty()) {
			throw new QueueUnavailableException("Topic '" + topic + "' has no route: the name server does not know "
					+ "it, or did not answer");
		}
		List<MessageQueue> queues = new ArrayList<>(info.getMessageQueueList());
		queues.sort(null);
		return queues;
	}

	private boolean askNameServer(String topic) {
		this.producer.getDefaultMQProducerImpl().getMqClientFactory().updateTopicRouteInfoFromNameServer(topic);
		TopicPublishInfo info = this.producer.getDefaultMQProducerImpl().getTopicPublishInfoTable().get(topic);
		return info != null && info.ok();
	}

	/**
	 * The queue of an ordering key: the key's queue in the topic's {@link QueueLayouts layout}, so that the key keeps
	 * its queue when a broker group leaves the route or joins it.
	 * @param routed the topic's route now, from {@link #routeOf}
	 * @throws QueueUnavailableException when the key's queue is not in the route now: its rows wait for it
	 */
	MessageQueue queueFor(String topic, String orderingKey, List<MessageQueue> routed) {
		MessageQueue queue = QueueLayouts.queueOf(orderingKey, this.layouts.layout(topic, routed));
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
		size += (row.orderingKey() != null) ? row.orderingKey().length() + 16 : 0;
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
		if (row.orderingKey() != null) {
			message.putUserProperty(MessageHeaders.ORDERING_KEY, row.orderingKey());
		}
		return message;
	}

	/** The queue of an ordering key, or the topic, is not in the route now. */
	static final class QueueUnavailableException extends IllegalStateException {

		QueueUnavailableException(String message) {
			super(message);
		}

	}

}
