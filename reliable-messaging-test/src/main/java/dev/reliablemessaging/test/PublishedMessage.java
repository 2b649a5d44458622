package dev.reliablemessaging.test;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A message whose publishing transaction committed: what the application handed to the outbox.
 *
 * @param messageId the message id that travels with the message (its dedup key)
 * @param topic the topic
 * @param tag the tag, or {@code null}
 * @param key the business key, or {@code null}
 * @param orderingKey the ordering key, or {@code null}
 * @param headers the application's headers
 * @param payload the payload object as published, before serialization
 */
public record PublishedMessage(String messageId, String topic, @Nullable String tag, @Nullable String key,
		@Nullable String orderingKey, Map<String, String> headers, Object payload) {

	/** The payload as {@code type}; fails when it is of another type. */
	public <T> T payload(Class<T> type) {
		if (!type.isInstance(this.payload)) {
			throw new AssertionError("Message " + this.messageId + " on topic " + this.topic + " has a payload of type "
					+ this.payload.getClass().getName() + ", not " + type.getName());
		}
		return type.cast(this.payload);
	}

}
