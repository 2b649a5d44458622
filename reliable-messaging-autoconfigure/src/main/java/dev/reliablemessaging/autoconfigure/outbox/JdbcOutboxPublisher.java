package dev.reliablemessaging.autoconfigure.outbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.support.ListenerBatchScope;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each message as an outbox row in the caller's transaction and, after the commit, hands the new rows to
 * the fast path. A publish that fails keeps the transaction from committing, so a business change never commits
 * without its message, even when the caller catches the exception.
 */
final class JdbcOutboxPublisher implements OutboxPublisher {

	private static final Logger logger = LoggerFactory.getLogger(JdbcOutboxPublisher.class);

	private final OutboxWriter writer;

	private final PayloadSerializer serializer;

	private final PublishingTransaction transaction;

	private final MessagingMetrics metrics;

	private final MessageTracing tracing;

	/** Topics already warned about, so the warning comes once per topic. */
	private final Set<String> warnedTopics = ConcurrentHashMap.newKeySet();

	public JdbcOutboxPublisher(OutboxWriter writer, PayloadSerializer serializer, PublishingTransaction transaction,
			MessagingMetrics metrics, MessageTracing tracing) {
		this.writer = writer;
		this.serializer = serializer;
		this.transaction = transaction;
		this.metrics = metrics;
		this.tracing = tracing;
	}

	@Override
	public String publish(String topic, Object payload) {
		return publish(OutboundMessage.builder(topic).payload(payload).build());
	}

	@Override
	public String publish(OutboundMessage message) {
		PublishingTransaction.requireSynchronized("publish a message to topic '" + message.topic() + "'");
		try {
			byte[] body = this.serializer.serialize(message.topic(), message.payload());
			String messageId = UUID.randomUUID().toString();
			this.writer.insert(new NewOutboxRow(messageId, message.topic(), message.tag(), message.key(),
					message.orderingKey(), headersWithTrace(message.headers()), body, message.deliverAfter()),
					this.transaction);
			this.metrics.published(message.topic());
			if (message.deliverAfter().isZero()) {
				this.transaction.written(messageId);
			}
			warnIfInsideAListenerBatch(message.topic());
			return messageId;
		}
		catch (RuntimeException ex) {
			this.transaction.failed(message.topic(), ex);
			throw ex;
		}
	}

	/**
	 * A publish in a transaction of its own while a listener handles messages together: if the batch's transaction
	 * fails, the listener runs again for this message alone and publishes again, under a new message id.
	 */
	private void warnIfInsideAListenerBatch(String topic) {
		if (ListenerBatchScope.inTransactionOfItsOwn() && this.warnedTopics.add(topic)) {
			logger.warn("A message to topic {} was published in a transaction of its own by a listener that handles "
					+ "messages together: when such a batch fails, each message is handled again alone and this "
					+ "publish happens twice, with two message ids. Publish in the listener's transaction, or set "
					+ "reliable-messaging.consumer.batch-size=1.", topic);
		}
	}

	/** The message's headers and, unless it brings its own, the current trace context. */
	private Map<String, String> headersWithTrace(Map<String, String> headers) {
		String traceparent = this.tracing.currentTraceparent();
		if (traceparent == null || headers.containsKey(MessageHeaders.TRACEPARENT)) {
			return headers;
		}
		Map<String, String> withTrace = new LinkedHashMap<>(headers);
		withTrace.put(MessageHeaders.TRACEPARENT, traceparent);
		return withTrace;
	}

}
