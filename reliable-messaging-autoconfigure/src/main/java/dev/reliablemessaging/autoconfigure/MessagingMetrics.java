package dev.reliablemessaging.autoconfigure;

import java.time.Duration;

import dev.reliablemessaging.autoconfigure.ReliableMessageHandler.Outcome;

/**
 * What the starter reports as it publishes, relays and consumes; {@link MicrometerMessagingMetrics} records it when
 * Micrometer is present. Tag values come from topics, consumer groups and fixed sets of reasons, never from message
 * contents.
 */
interface MessagingMetrics {

	/** A message was written to the outbox in a business transaction (counted whether or not it commits). */
	void published(String topic);

	/** The broker accepted {@code count} messages in one send that took {@code sendTime}. */
	void sent(String topic, int count, Duration sendTime);

	/** A send of {@code count} messages failed; {@code reason} is a broker status or an error type. */
	void sendFailed(String topic, int count, String reason);

	/** {@code count} rows ran out of attempts and are now DEAD. */
	void dead(String topic, int count);

	/** What became of a received message; {@code endToEnd} (row creation to handler completion) when processed. */
	void consumed(ListenerMethod listener, Outcome outcome, Duration endToEnd);

	/** A received message was handed to the consumer group's dead-letter queue. */
	void deadLettered(ListenerMethod listener, String reason);

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
			public void consumed(ListenerMethod listener, Outcome outcome, Duration endToEnd) {
			}

			@Override
			public void deadLettered(ListenerMethod listener, String reason) {
			}

		};
	}

}
