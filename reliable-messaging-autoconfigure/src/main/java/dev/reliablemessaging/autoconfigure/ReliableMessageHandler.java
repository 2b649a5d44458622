package dev.reliablemessaging.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.reliablemessaging.MessageContext;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Handles one received message: binds the body, then in one transaction records the inbox row and runs the
 * listener method. The outcome decides the acknowledgement: only a committed transaction or a duplicate counts as
 * done.
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
			payload = this.binder.bind(message.getBody(), this.listener.payloadType());
		}
		catch (RuntimeException ex) {
			logger.error("Message {} on topic {} cannot be read as {} and goes to the dead-letter queue: {}", messageId,
					message.getTopic(), this.listener.payloadType(), firstLine(ex));
			return Outcome.UNREADABLE;
		}
		MessageContext context = context(message, messageId);
		try {
			Boolean processed = this.transaction.execute((status) -> {
				if (!this.inbox.markProcessed(this.listener.consumerGroup(), messageId, message.getTopic(),
						this.clock.instant())) {
					return false;
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
				return true;
			});
			if (Boolean.TRUE.equals(processed)) {
				return Outcome.PROCESSED;
			}
			logger.debug("Message {} on topic {} was already processed by {}; acknowledged again", messageId,
					message.getTopic(), this.listener.consumerGroup());
			return Outcome.DUPLICATE;
		}
		catch (RuntimeException | Error ex) {
			Throwable cause = (ex instanceof HandlerFailure) ? ex.getCause() : ex;
			logger.warn("Listener {} failed on message {} (key {}) of topic {}, delivery {}; it will be redelivered",
					this.listener.description(), messageId, context.key(), message.getTopic(),
					message.getReconsumeTimes() + 1, cause);
			return Outcome.FAILED;
		}
	}

	private static MessageContext context(MessageExt message, String messageId) {
		Map<String, String> headers = new LinkedHashMap<>();
		message.getProperties().forEach((name, value) -> {
			if (!MessageConst.STRING_HASH_SET.contains(name) && !name.startsWith("RM_")) {
				headers.put(name, value);
			}
		});
		String key = message.getUserProperty(RocketMqSender.KEY_PROPERTY);
		if (key == null && message.getKeys() != null && !message.getKeys().isBlank()) {
			key = message.getKeys().split(MessageConst.KEY_SEPARATOR)[0];
		}
		return new MessageContext(messageId, key, message.getTopic(), message.getTags(), message.getReconsumeTimes(),
				Map.copyOf(headers));
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

	/** Carries a checked exception of the listener through the transaction callback. */
	private static final class HandlerFailure extends RuntimeException {

		HandlerFailure(Throwable cause) {
			super(cause);
		}

	}

}
