package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of one listener's messages: the outcome of each (counted, and reported to the metrics), and the copies
 * handed back to the broker for a redelivery or to the dead-letter queue.
 */
final class ListenerOutcomes {

	private static final Logger logger = LoggerFactory.getLogger(ListenerContainer.class);

	private final ListenerMethod listener;

	private final MessageHandBack handBack;

	private final MessagingMetrics metrics;

	private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);

	ListenerOutcomes(ListenerMethod listener, MessageHandBack handBack, MessagingMetrics metrics) {
		this.listener = listener;
		this.handBack = handBack;
		this.metrics = metrics;
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new AtomicLong());
		}
	}

	long count(Outcome outcome) {
		return this.counts.get(outcome).get();
	}

	void record(Outcome outcome, MessageExt message) {
		this.counts.get(outcome).incrementAndGet();
		this.metrics.consumed(this.listener.topic(), this.listener.consumerGroup(),
				outcome.name().toLowerCase(Locale.ROOT), sinceCreation(message));
	}

	/** Stores a copy of a failed message for its redelivery; whether the broker confirmed it. */
	boolean retry(MessageExt message) {
		if (!this.handBack.retry(message, this.listener.consumerGroup(), this.listener.maxReconsumeTimes())) {
			return false;
		}
		this.metrics.redelivered(this.listener.topic(), this.listener.consumerGroup());
		return true;
	}

	/** Stores a copy of a message in the group's dead-letter queue; whether the broker confirmed it. */
	boolean deadLetter(MessageExt message, String reason) {
		if (!this.handBack.deadLetter(message, this.listener.consumerGroup(), reason)) {
			return false;
		}
		logger.error("Message {} (key {}) of topic {} is in %DLQ%{} ({}) after delivery {}", DedupKey.of(message),
				ReliableMessageHandler.key(message), message.getTopic(), this.listener.consumerGroup(), reason,
				message.getReconsumeTimes() + 1);
		this.metrics.deadLettered(this.listener.topic(), this.listener.consumerGroup(), reason);
		return true;
	}

	void parked() {
		this.metrics.parked(this.listener.topic(), this.listener.consumerGroup());
	}

	/** Time since the outbox row was created, or since the message was sent when it did not come from an outbox. */
	private static Duration sinceCreation(MessageExt message) {
		String createdAt = message.getUserProperty(MessageHeaders.CREATED_AT);
		long created = message.getBornTimestamp();
		if (createdAt != null) {
			try {
				created = Long.parseLong(createdAt);
			}
			catch (NumberFormatException ex) {
				// not ours after all: keep the send time
			}
		}
		return Duration.ofMillis(System.currentTimeMillis() - created);
	}

}
