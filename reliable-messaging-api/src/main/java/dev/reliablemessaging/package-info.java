/**
 * The public API of the reliable messaging starter.
 * <p>
 * Producers put {@link dev.reliablemessaging.ReliablePublish} on a transactional method or call
 * {@link dev.reliablemessaging.OutboxPublisher}; the message is written to the outbox table in the caller's
 * transaction and relayed to RocketMQ after the commit. Consumers put {@link dev.reliablemessaging.ReliableListener}
 * on a method; the handler runs in a transaction with an inbox row and the message is acknowledged only after that
 * transaction commits.
 */
@NullMarked
package dev.reliablemessaging;

import org.jspecify.annotations.NullMarked;
