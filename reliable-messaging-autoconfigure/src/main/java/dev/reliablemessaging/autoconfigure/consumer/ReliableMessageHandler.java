package dev.reliablemessaging.autoconfigure.consumer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.autoconfigure.support.ListenerBatchScope;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Handles a received message: binds the body, then in one transaction records the inbox row and runs the listener
 * method. Messages delivered together may share one transaction; when that transaction fails for any reason, the
 * caller handles each of them alone. The outcome decides the acknowledgement: only a committed transaction or a
 * duplicate counts as done.
 */
public final class ReliableMessageHandler {

	private static final Logger logger = LoggerFactory.getLogger(ReliableMessageHandler.class);

	private final ListenerMethod listener;

	private final InboxStore inbox;

	private final TransactionTemplate transaction;

	private final PayloadBinder binder;

	/** Why the last message this thread handled failed, for the record of a message that is parked. */
	private final ThreadLocal<Throwable> lastFailure = new ThreadLocal<>();

	public ReliableMessageHandler(ListenerMethod listener, InboxStore inbox, TransactionTemplate transaction,
			PayloadBinder binder) {
		this.listener = listener;
		this.inbox = inbox;
		this.transaction = transaction;
		this.binder = binder;
	}

	ListenerMethod listener() {
		return this.listener;
	}

	/** Handles one message in a transaction of its own; losing lock conflicts on every try is a failure. */
	Outcome handle(MessageExt message) {
		return handle(message, true);
	}

	/**
	 * Handles one message in a transaction of its own.
	 * @param conflictsFail whether losing a deadlock on every try is a failure of the message; when it is not,
	 * {@link LostDeadlocks} is thrown instead, so that the caller can try again where the transactions it runs
	 * beside cannot take the locks first (a lock wait that timed out is a failure either way)
	 */
	Outcome handle(MessageExt message, boolean conflictsFail) {
		String dedupKey = DedupKey.of(message);
		Object payload;
		try {
			payload = bind(message);
		}
		catch (RuntimeException ex) {
			return unbound(message, dedupKey, ex);
		}
		MessageContext context = context(message, dedupKey);
		for (int attempt = 1;; attempt++) {
			try {
				Outcome outcome = this.transaction.execute((status) -> process(message, dedupKey, payload, context));
				if (outcome == Outcome.DUPLICATE) {
					logger.debug("Message {} on topic {} was already processed by {}; acknowledged again", dedupKey,
							message.getTopic(), this.listener.consumerGroup());
				}
				return Objects.requireNonNull(outcome);
			}
			catch (RuntimeException | Error ex) {
				Throwable cause = (ex instanceof HandlerFailure) ? ex.getCause() : ex;
				if (LockConflicts.lockConflict(cause)) {
					if (attempt < LockConflicts.TRIES) {
						logger.debug("Message {} of topic {} lost a lock conflict on try {}; trying again", dedupKey,
								message.getTopic(), attempt, cause);
						LockConflicts.pause();
						continue;
					}
					if (!conflictsFail && LockConflicts.deadlock(cause)) {
						throw new LostDeadlocks(cause);
					}
				}
				logger.warn("Listener {} failed on message {} (key {}) of topic {}, delivery {}", this.listener.description(),
						dedupKey, key(message), message.getTopic(), message.getReconsumeTimes() + 1, cause);
				this.lastFailure.set(cause);
				return Outcome.FAILED;
			}
		}
	}

	/** Why the last message this thread handled failed or could not be read, once. */
	@Nullable Throwable takeLastFailure() {
		Throwable failure = this.lastFailure.get();
		this.lastFailure.remove();
		return failure;
	}

	/**
	 * Handles a parked message again, in the caller's transaction: the inbox row and the listener call, or nothing
	 * for a duplicate.
	 * @throws RuntimeException when the body cannot be read or the listener fails: the caller's transaction rolls back
	 */
	Outcome handleInCurrentTransaction(MessageExt message) {
		String dedupKey = DedupKey.of(message);
		Object payload;
		try {
			payload = bind(message);
		}
		catch (RuntimeException ex) {
			if (this.inbox.processed(this.listener.consumerGroup(), dedupKey)) {
				return Outcome.DUPLICATE;
			}
			throw ex;
		}
		return process(message, dedupKey, payload, context(message, dedupKey));
	}

	/**
	 * Handles messages delivered together in one transaction: an inbox row and a listener call each, one commit for
	 * all. Each listener call runs in its message's consumer span.
	 * @return the outcome of each message when the transaction committed; when it did not (a body that cannot be
	 * bound now, a failed listener call, a deadlock between batches, a failed commit) none of them is done, and each
	 * must be handled alone
	 */
	Together handleTogether(List<MessageExt> messages, MessageTracing tracing) {
		List<Object> payloads = new ArrayList<>(messages.size());
		for (MessageExt message : messages) {
			try {
				payloads.add(bind(message));
			}
			catch (RuntimeException ex) {
				return new Together(null, false);
			}
		}
		try {
			return new Together(this.transaction.execute((status) -> {
				ListenerBatchScope.enter();
				try {
					List<Outcome> outcomes = new ArrayList<>(messages.size());
					for (int i = 0; i < messages.size(); i++) {
						MessageExt message = messages.get(i);
						String dedupKey = DedupKey.of(message);
						Object payload = payloads.get(i);
						outcomes.add(tracing.inConsumerSpan(this.listener.topic(), this.listener.consumerGroup(),
								message.getUserProperty(MessageHeaders.TRACEPARENT),
								() -> process(message, dedupKey, payload, context(message, dedupKey))));
					}
					return outcomes;
				}
				finally {
					ListenerBatchScope.leave();
				}
			}), false);
		}
		catch (RuntimeException | Error ex) {
			// not a failure of any message: each is handled alone next, and only a failure alone counts
			logger.debug("{} messages of topic {} handled together by {} did not commit; handling each alone",
					messages.size(), messages.get(0).getTopic(), this.listener.description(), ex);
			return new Together(null, LockConflicts.lockConflict(ex));
		}
	}

	/**
	 * A body that could not be bound: a message already processed is a duplicate whatever its body (a codec key or a
	 * payload type may have changed since); one that can never be read is unreadable; anything else is a failure
	 * that may pass, retried like a failed handler.
	 */
	private Outcome unbound(MessageExt message, String dedupKey, RuntimeException failure) {
		try {
			if (this.inbox.processed(this.listener.consumerGroup(), dedupKey)) {
				logger.debug("Message {} on topic {} cannot be read but was already processed by {}; acknowledged",
						dedupKey, message.getTopic(), this.listener.consumerGroup());
				return Outcome.DUPLICATE;
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not look up message {} in the inbox of {}; it will be redelivered", dedupKey,
					this.listener.consumerGroup(), ex);
			return Outcome.FAILED;
		}
		this.lastFailure.set(failure);
		if (PayloadBinder.neverReadable(failure)) {
			logger.error("Message {} on topic {} can never be read as {}: {}", dedupKey, message.getTopic(),
					this.listener.payloadType(), firstLine(failure));
			return Outcome.UNREADABLE;
		}
		logger.warn("Message {} on topic {} cannot be read as {} now and will be redelivered: {}", dedupKey,
				message.getTopic(), this.listener.payloadType(), firstLine(failure));
		return Outcome.FAILED;
	}

	private Object bind(MessageExt message) {
		return this.binder.bind(message.getTopic(), message.getBody(), this.listener.payloadType());
	}

	/** Records the inbox row and runs the listener, in the caller's transaction; a duplicate skips the listener. */
	private Outcome process(MessageExt message, String dedupKey, Object payload, MessageContext context) {
		if (!this.inbox.markProcessed(this.listener.consumerGroup(), dedupKey, message.getTopic())) {
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

	private static MessageContext context(MessageExt message, String dedupKey) {
		Map<String, String> headers = new LinkedHashMap<>();
		message.getProperties().forEach((name, value) -> {
			if (!MessageConst.STRING_HASH_SET.contains(name) && !name.startsWith("RM_")) {
				headers.put(name, value);
			}
		});
		return new MessageContext(dedupKey, key(message), message.getTopic(), message.getTags(),
				message.getReconsumeTimes(), Map.copyOf(headers));
	}

	/** The business key the outbox row carried, else the first of the message's keys. */
	static @Nullable String key(MessageExt message) {
		String key = message.getUserProperty(MessageHeaders.KEY);
		if (key == null && message.getKeys() != null && !message.getKeys().isBlank()) {
			key = message.getKeys().split(MessageConst.KEY_SEPARATOR)[0];
		}
		return key;
	}

	static String firstLine(Throwable ex) {
		String text = String.valueOf(ex.getMessage());
		return ex.getClass().getSimpleName() + ": " + text.lines().findFirst().orElse("");
	}

	/** What became of a message. */
	public enum Outcome {

		/** The listener ran and its transaction committed. */
		PROCESSED,

		/** The inbox already had the message; the listener did not run. */
		DUPLICATE,

		/** The listener or its transaction failed, or the body cannot be read now; nothing was committed. */
		FAILED,

		/** The body can never be bound to the listener's parameter type. */
		UNREADABLE,

		/** An orderly listener held it back, in order, behind a parked message of its ordering key. */
		PARKED

	}

	/**
	 * What became of messages handled together.
	 * @param outcomes each message's outcome when their transaction committed, else {@code null}
	 * @param lockConflict whether the transaction lost a lock conflict (with another batch, typically)
	 */
	record Together(@Nullable List<Outcome> outcomes, boolean lockConflict) {
	}

	/** Carries a checked exception of the listener through the transaction callback. */
	private static final class HandlerFailure extends RuntimeException {

		HandlerFailure(Throwable cause) {
			super(cause);
		}

	}

}
