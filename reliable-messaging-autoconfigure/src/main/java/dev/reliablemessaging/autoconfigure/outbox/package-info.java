/**
 * Internal: the producer side. {@code OutboxPublisher} and the {@code @ReliablePublish} interceptor write outbox rows
 * in the business transaction; the relay claims due rows, sends them synchronously and marks them sent, with the
 * fast path sending the rows of a transaction right after its commit; the admin operations replay and remove rows.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure.outbox;

import org.jspecify.annotations.NullMarked;

