/**
 * Internal: the consumer side. One push consumer per {@code @ReliableListener} method, the handler that runs it in a
 * transaction with its inbox row and acknowledges only after the commit, redeliveries and dead letters sent back
 * with checked sends, and the {@code @IdempotentConsumer} interceptor for messages received some other way.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure.consumer;

import org.jspecify.annotations.NullMarked;

