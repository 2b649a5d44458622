package dev.reliablemessaging.autoconfigure;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A row of the outbox table as the relay sees it.
 */
record OutboxRow(long id, String messageId, String topic, @Nullable String tag, @Nullable String key,
		@Nullable String orderingKey, Map<String, String> headers, byte[] payload, int attempts, Instant createdAt) {

	boolean ordered() {
		return this.orderingKey != null;
	}

}
