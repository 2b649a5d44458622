package dev.reliablemessaging.autoconfigure;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A row to insert into the outbox table.
 */
record NewOutboxRow(String messageId, String topic, @Nullable String tag, @Nullable String key,
		@Nullable String orderingKey, Map<String, String> headers, byte[] payload, Instant createdAt,
		Instant nextAttemptAt) {
}
