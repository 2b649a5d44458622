package dev.reliablemessaging.test;

import org.jspecify.annotations.Nullable;

/**
 * A row of the outbox table, as {@link OutboxAssertions} reads it.
 *
 * @param messageId the message id (the dedup key)
 * @param topic the topic
 * @param tag the tag, or {@code null}
 * @param key the business key, or {@code null}
 * @param orderingKey the ordering key, or {@code null}
 * @param status {@code PENDING}, {@code SENT} or {@code DEAD}
 * @param attempts send attempts so far
 * @param lastError why the last attempt failed, or {@code null}
 */
public record OutboxRow(String messageId, String topic, @Nullable String tag, @Nullable String key,
		@Nullable String orderingKey, String status, int attempts, @Nullable String lastError) {
}
