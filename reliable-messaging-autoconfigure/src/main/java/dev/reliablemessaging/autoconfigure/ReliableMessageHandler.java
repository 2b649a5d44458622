package dev.reliablemessaging.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.reliablemessaging.MessageContext;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Handles a received message: binds the body, then in one transaction records the inbox row and runs the listener
 * method. Messages delivered together may share one transaction. The outcome decides the acknowledgement: only a
 * committed transaction or a duplicate counts as done.
 */
final class ReliableMessageHandler {

	private static final Logger logger = LoggerFactory.getLogger(ReliableMessageHandler.class);

	private final ListenerMethod listener;

	private final InboxStore inbox;

	private final TransactionTemplate transaction;

	private final PayloadBinder binder;

	private final Clock clock;

	ReliableMessageHandler(ListenerMethod listener, InboxStore inbox, TransactionTemplate transaction,
			PayloadBinder binder, Clock clock) {
		this.listener = listener;
		this.inbox = inbox;
		this.transaction = transaction;
		this.binder = binder;
		this.clock = clock;
	}

	Outcome handle(MessageExt message) {
		String messageId = MessageIds.dedupKey(message);
		Object payload;
		try {
			payload = bind(message);
		}
		catch (RuntimeException ex) {
			logger.error("Message {} on topic {} cannot be read as {} and goes to the dead-letter queue: {}", messageId,
					message.getTopic(), this.listener.payloadType(), firstLine(ex));
			return Outcome.UNREADABLE;
		}
		MessageContext context = context(message, messageId);
		try {
			Outcome outcome = this.transaction.execute((status) -> process(message, messageId, payload, context));
			if (outcome == Outcome.DUPLICATE) {
				logger.debug("Message {} on topic {} was already processed by {}; acknowledged again", messageId,
						message.getTopic(), this.listener.consumerGroup());
			}
			return Objects.requireNonNull(outcome);
		}
		catch (RuntimeException | Error ex) {
			logFailure(message, messageId, (ex instanceof HandlerFailure) ? ex.getCause() : ex);
			return Outcome.FAILED;
		}
	}

	/**
	 * Handles messages delivered together in one transaction: an inbox row and a listener call each, one commit for
	 * all. Each listener call runs in its message's consumer span.
	 * @return the outcome of each message when the transaction committed; otherwise which listener call failed, if
	 * one did, so the caller can handle that message as failed and the others one by one
	 */
	Together handleTogether(List<MessageExt> messages, MessageTracing tracing) {
		List<Object> payloads = new ArrayList<>(messages.size());
		for (MessageExt message : messages) {
			try {
				payloads.add(bind(message));
			}
			catch (RuntimeException ex) {
				return Together.NOT_COMMITTED;
			}
		}
		try {
			List<Outcome> outcomes = this.transaction.execute((status) -> {
				List<Outcome> results = new ArrayList<>(messages.size());
				for (int i = 0; i < messages.size(); i++) {
					results.add(processInBatch(messages.get(i), i, payloads.get(i), tracing));
				}
				return results;
			});
			return new Together(Objects.requireNonNull(outcomes), Together.NO_FAILED_CALL);
		}
		catch (BatchFailure ex) {
			MessageExt message = messages.get(ex.index);
			logFailure(message, MessageIds.dedupKey(message), ex.getCause());
			return new Together(null, ex.index);
		}
		catch (RuntimeException | Error ex) {
			logger.warn("Transaction of {} messages of topic {} handled together by {} failed; handling them one by one",
					messages.size(), messages.get(0).getTopic(), this.listener.description(), ex);
			return Together.NOT_COMMITTED;
		}
	}

	private Outcome processInBatch(MessageExt message, int index, Object payload, MessageTracing tracing) {
		String messageId = MessageIds.dedupKey(message);
		try {
			return tracing.inConsumerSpan(this.listener, message.getUserProperty(MessageTracing.TRACEPARENT),
					() -> process(message, messageId, payload, context(message, messageId)));
		}
		catch (RuntimeException | Error ex) {
			throw new BatchFailure(index, (ex instanceof HandlerFailure) ? ex.getCause() : ex);
		}
	}

	private void logFailure(MessageExt message, String messageId, Throwable cause) {
		logger.warn("Listener {} failed on message {} (key {}) of topic {}, delivery {}; it will be redelivered",
				this.listener.description(), messageId, key(message), message.getTopic(),
				message.getReconsumeTimes() + 1, cause);
	}

	private Object bind(MessageExt message) {
		return this.binder.bind(message.getTopic(), message.getBody(), this.listener.payloadType());
	}

	/** Records the inbox row and runs the listener, in the caller's transaction; a duplicate skips the listener. */
	private Outcome process(MessageExt message, String messageId, Object payload, MessageContext context) {
		if (!this.inbox.markProcessed(this.listener.consumerGroup(), messageId, message.getTopic(),
				this.clock.instant())) {
			return Outcome.DUPLICATE;
		}
		try {
			this.listener.invoke(payload, context);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new HandlerFailure(ex);
		}
		return Outcome.PROCESSED;
	}

	private static MessageContext context(MessageExt message, String messageId) {
		Map<String, String> headers = new LinkedHashMap<>();
		message.getProperties().forEach((name, value) -> {
			if (!MessageConst.STRING_HASH_SET.contains(name) && !name.startsWith("RM_")) {
				headers.put(name, value);
			}
		});
		return new MessageContext(messageId, key(message), message.getTopic(), message.getTags(),
				message.getReconsumeTimes(), Map.copyOf(headers));
	}

	/** The business key the outbox row carried, else the first of the message's keys. */
	private static @Nullable String key(MessageExt message) {
		String key = message.getUserProperty(RocketMqSender.KEY_PROPERTY);
		if (key == null && message.getKeys() != null && !message.getKeys().isBlank()) {
			key = message.getKeys().split(MessageConst.KEY_SEPARATOR)[0];
		}
		return key;
	}

	private static String firstLine(Throwable ex) {
		String text = String.valueOf(ex.getMessage());
		return ex.getClass().getSimpleName() + ": " + text.lines().findFirst().orElse("");
	}

	/** What became of a message. */
	enum Outcome {

		/** The listener ran and its transaction committed. */
		PROCESSED,

		/** The inbox already had the message; the listener did not run. */
		DUPLICATE,

		/** The listener or its transaction failed; nothing was committed. */
		FAILED,

		/** The body cannot be bound to the listener's parameter type, now or ever. */
		UNREADABLE

	}

	/**
	 * What became of messages handled together.
	 * @param outcomes each message's outcome when the transaction committed, else {@code null}
	 * @param failedCall the index of the message whose listener call failed and rolled the transaction back, or
	 * {@link #NO_FAILED_CALL}
	 */
	record Together(@Nullable List<Outcome> outcomes, int failedCall) {

		static final int NO_FAILED_CALL = -1;

		/** Nothing committed and no listener call to blame: a body that cannot be read, or a failed commit. */
		static final Together NOT_COMMITTED = new Together(null, NO_FAILED_CALL);

	}

	/** A listener call within a batch failed; carries which one and why out of the transaction callback. */
	private static final class BatchFailure extends RuntimeException {

		private final int index;

		BatchFailure(int index, Throwable cause) {
			super(cause);
			this.index = index;
		}

	}

	/** Carries a checked exception of the listener through the transaction callback. */
	private static final class HandlerFailure extends RuntimeException {

		HandlerFailure(Throwable cause) {
			super(cause);
		}

	}

}
