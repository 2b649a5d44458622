package dev.reliablemessaging.autoconfigure.support;

import java.time.Duration;

/**
 * What the starter reports as it publishes, relays and consumes; {@link MicrometerMessagingMetrics} records it when
 * Micrometer is present. Tag values come from topics, consumer groups and fixed sets of reasons, never from message
 * contents.
 */
public interface MessagingMetrics {

	/** A message was written to the outbox in a business transaction (counted whether or not it commits). */
	void published(String topic);

	/** The broker accepted {@code count} messages in one send that took {@code sendTime}. */
	void sent(String topic, int count, Duration sendTime);

	/** A send of {@code count} messages failed; {@code reason} is a broker status or an error type. */
	void sendFailed(String topic, int count, String reason);

	/** {@code count} rows ran out of attempts and are now DEAD. */
	void dead(String topic, int count);

	/**
	 * What became of a received message: {@code processed}, {@code duplicate}, {@code failed}, {@code unreadable} or
	 * {@code parked} (held behind a parked message of its key);
	 * {@code endToEnd} (row creation to handler completion) counts when processed.
	 */
	void consumed(String topic, String group, String outcome, Duration endToEnd);

	/** A failed message's copy was stored for its redelivery. */
	void redelivered(String topic, String group);

	/** A received message was stored in the consumer group's dead-letter queue. */
	void deadLettered(String topic, String group, String reason);

	/** An orderly listener parked a message that failed for good, holding back the later messages of its key. */
	void parked(String topic, String group);

	static MessagingMetrics none() {
		return new MessagingMetrics() {

			@Override
			public void published(String topic) {
			}

			@Override
			public void sent(String topic, int count, Duration sendTime) {
			}

			@Override
			public void sendFailed(String topic, int count, String reason) {
			}

			@Override
			public void dead(String topic, int count) {
			}

			@Override
			public void consumed(String topic, String group, String outcome, Duration endToEnd) {
			}

			@Override
			public void redelivered(String topic, String group) {
			}

			@Override
			public void deadLettered(String topic, String group, String reason) {
			}

			@Override
			public void parked(String topic, String group) {
			}

		};
	}

}
