package dev.reliablemessaging.autoconfigure;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes each message as an outbox row in the caller's transaction and, after the commit, hands the new rows to
 * the relay.
 */
final class JdbcOutboxPublisher implements OutboxPublisher {

	private final OutboxStore store;

	private final PayloadSerializer serializer;

	private final CommittedMessages committedMessages;

	private final Clock clock;

	private final MessagingMetrics metrics;

	private final MessageTracing tracing;

	JdbcOutboxPublisher(OutboxStore store, PayloadSerializer serializer, CommittedMessages committedMessages,
			Clock clock, MessagingMetrics metrics, MessageTracing tracing) {
		this.store = store;
		this.serializer = serializer;
		this.committedMessages = committedMessages;
		this.clock = clock;
		this.metrics = metrics;
		this.tracing = tracing;
	}

	@Override
	public String publish(String topic, Object payload) {
		return publish(OutboundMessage.builder(topic).payload(payload).build());
	}

	@Override
	public String publish(OutboundMessage message) {
		requireTransaction(message.topic());
		byte[] body = this.serializer.serialize(message.topic(), message.payload());
		String messageId = UUID.randomUUID().toString();
		Instant now = this.clock.instant();
		this.store.insert(new NewOutboxRow(messageId, message.topic(), message.tag(), message.key(),
				message.orderingKey(), headersWithTrace(message.headers()), body, now, now.plus(message.deliverAfter())));
		this.metrics.published(message.topic());
		if (message.deliverAfter().isZero()) {
			this.committedMessages.add(messageId);
		}
		return messageId;
	}

	/** The message's headers and, unless it brings its own, the current trace context. */
	private Map<String, String> headersWithTrace(Map<String, String> headers) {
		String traceparent = this.tracing.currentTraceparent();
		if (traceparent == null || headers.containsKey(MessageTracing.TRACEPARENT)) {
			return headers;
		}
		Map<String, String> withTrace = new LinkedHashMap<>(headers);
		withTrace.put(MessageTracing.TRACEPARENT, traceparent);
		return withTrace;
	}

	static void requireTransaction(String topic) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalTransactionStateException("Publishing a message to topic '" + topic
					+ "' needs an active transaction, so that the message commits or rolls back with the business "
					+ "change. Call it from a @Transactional method or inside a TransactionTemplate.");
		}
	}

}
