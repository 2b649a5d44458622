package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A row to insert into the outbox table; it is due {@code deliverAfter} after it was written, by the database's
 * clock.
 */
record NewOutboxRow(String messageId, String topic, @Nullable String tag, @Nullable String key,
		@Nullable String orderingKey, Map<String, String> headers, byte[] payload, Duration deliverAfter) {
}
