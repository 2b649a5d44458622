package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A row of the outbox table as the relay sees it.
 * @param attempts failed sends so far, of any kind
 * @param refusals failed sends the broker refused because of the message itself; these count towards DEAD
 */
public record OutboxRow(long id, String messageId, String topic, @Nullable String tag, @Nullable String key,
		@Nullable String orderingKey, Map<String, String> headers, byte[] payload, int attempts, int refusals,
		Instant createdAt) {

	boolean ordered() {
		return this.orderingKey != null;
	}

	/** The scope in which rows keep their order and a failed row holds back the rest: topic and ordering key. */
	@Nullable OrderingScope scope() {
		return (this.orderingKey != null) ? new OrderingScope(this.topic, this.orderingKey) : null;
	}

	/** A topic and an ordering key: rows in one scope are sent in id order, one after the other. */
	record OrderingScope(String topic, String orderingKey) {
	}

}
