package dev.reliablemessaging.autoconfigure.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a received message back to the broker, for a later redelivery or to the dead-letter queue, with a
 * synchronous send whose status is checked like the relay's: the message is acknowledged only once its copy is
 * stored. RocketMQ's own send-back stores the copy without waiting for the flush or the slave, answers success
 * without storing anything when the group has no retry queues, and falls back to a send whose status it ignores;
 * none of that is used.
 * <p>
 * Both copies go to the group's retry topic, which the broker creates for every consumer group, in the name of the
 * consumer group (a user that may consume as the group may send there; no other grant is needed). A retry copy
 * carries the next delay level (the broker's schedule: 10 s, 30 s, 1 min, ... 2 h by default), the original topic,
 * the reconsume count and every property of the original, so the consumer receives it as a redelivery of the same
 * message (same dedup key). A dead letter carries a reconsume count past its maximum, so the broker stores it in
 * {@code %DLQ%<group>}, a topic it creates itself when it first needs it, as it does for its own send-back.
 */
final class MessageHandBack {

	private static final Logger logger = LoggerFactory.getLogger(MessageHandBack.class);

	/** RocketMQ's first redelivery uses delay level 3 (10 s by default), each further one the next level. */
	private static final int FIRST_RETRY_LEVEL = 3;

	private static final int LAST_DELAY_LEVEL = 18;

	private final Function<String, DefaultMQProducer> producers;

	private final Set<SendStatus> acceptedStatuses;

	/**
	 * @param producers the started producer of each consumer group, in the group's name, which does not retry on its
	 * own: a retry of a send to a retry topic loses the reconsume count (the client moves it into the request of the
	 * first try)
	 */
	MessageHandBack(Function<String, DefaultMQProducer> producers, Set<SendStatus> acceptedStatuses) {
		this.producers = producers;
		this.acceptedStatuses = acceptedStatuses;
	}

	/** Stores a copy of the message for its next delivery; whether the broker confirmed it. */
	boolean retry(MessageExt message, String consumerGroup, int maxReconsumeTimes) {
		Message copy = copy(message, MixAll.getRetryTopic(consumerGroup));
		MessageAccessor.setReconsumeTime(copy, String.valueOf(message.getReconsumeTimes() + 1));
		MessageAccessor.setMaxReconsumeTimes(copy, String.valueOf(maxReconsumeTimes));
		copy.setDelayTimeLevel(Math.min(LAST_DELAY_LEVEL, FIRST_RETRY_LEVEL + message.getReconsumeTimes()));
		return send(consumerGroup, copy, message, "for redelivery");
	}

	/**
	 * Stores a copy of the message in the group's dead-letter queue, through the group's retry topic with a
	 * reconsume count past its maximum; whether the broker confirmed it.
	 */
	boolean deadLetter(MessageExt message, String consumerGroup, String reason) {
		Message copy = copy(message, MixAll.getRetryTopic(consumerGroup));
		MessageAccessor.setReconsumeTime(copy, String.valueOf(message.getReconsumeTimes() + 1));
		MessageAccessor.setMaxReconsumeTimes(copy, String.valueOf(message.getReconsumeTimes()));
		MessageAccessor.putProperty(copy, MessageHeaders.DEAD_LETTER_REASON, reason);
		return send(consumerGroup, copy, message, "to the dead-letter queue");
	}

	private boolean send(String consumerGroup, Message copy, MessageExt original, String where) {
		try {
			SendResult result = this.producers.apply(consumerGroup).send(copy);
			if (this.acceptedStatuses.contains(result.getSendStatus())) {
				return true;
			}
			logger.warn("Handing message {} of topic {} {} was not confirmed ({}); it stays unacknowledged",
					DedupKey.of(original), original.getTopic(), where, result.getSendStatus());
		}
		catch (Exception ex) {
			logger.warn("Handing message {} of topic {} {} failed ({}); it stays unacknowledged",
					DedupKey.of(original), original.getTopic(), where, ex.toString());
		}
		return false;
	}

	/**
	 * A new message with the original's body and properties (its unique key and outbox id included, so it keeps its
	 * dedup key), on another topic, remembering where it came from.
	 */
	private static Message copy(MessageExt original, String topic) {
		Message copy = new Message(topic, original.getBody());
		Map<String, String> properties = new HashMap<>(original.getProperties());
		properties.remove(MessageConst.PROPERTY_DELAY_TIME_LEVEL);
		properties.remove(MessageConst.PROPERTY_TRANSACTION_PREPARED);
		properties.remove(MessageConst.PROPERTY_WAIT_STORE_MSG_OK);
		MessageAccessor.setProperties(copy, properties);
		copy.setFlag(original.getFlag());
		if (original.getProperty(MessageConst.PROPERTY_RETRY_TOPIC) == null) {
			MessageAccessor.putProperty(copy, MessageConst.PROPERTY_RETRY_TOPIC, original.getTopic());
		}
		if (MessageAccessor.getOriginMessageId(original) == null) {
			MessageAccessor.setOriginMessageId(copy, original.getMsgId());
		}
		if (original.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) == null) {
			// a message that had no unique key keeps its dedup key in its copies: the broker's id of the original
			MessageAccessor.putProperty(copy, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, DedupKey.of(original));
		}
		return copy;
	}

}
