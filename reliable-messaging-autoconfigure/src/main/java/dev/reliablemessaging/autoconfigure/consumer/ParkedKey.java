package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A key an orderly listener parked, as operators see it: no payload.
 * @param key the ordering key (or {@code queue:<broker>/<id>} for messages sent without one)
 * @param firstMessageId the dedup key of the message that failed for good
 * @param messages how many of its messages are parked, that one included
 * @param lastError why that message failed
 * @param parkedAt when it was parked, by the database's clock
 */
public record ParkedKey(String consumerGroup, String key, String topic, String firstMessageId, long messages,
		@Nullable String lastError, Instant parkedAt) {
}
