package dev.reliablemessaging.autoconfigure.outbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.reliablemessaging.ReliableMessagingException;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The business transaction as the publisher sees it: the messages written in it, handed to the fast path once it
 * has committed, the ordering keys it holds, and whether a publish in it failed. A transaction in which a publish
 * failed cannot commit, even when the caller caught the exception: its business change would commit without its
 * message. One state per transaction, however many messages it writes; a transaction suspended for a nested
 * {@code REQUIRES_NEW} one keeps its own, and the nested one gets another.
 */
final class PublishingTransaction {

	private final Consumer<List<String>> afterCommit;

	/** The ordering keys the open transactions of each thread hold, suspended ones included, by lock key. */
	private final ThreadLocal<Map<String, State>> heldKeys = ThreadLocal.withInitial(HashMap::new);

	PublishingTransaction(Consumer<List<String>> afterCommit) {
		this.afterCommit = afterCommit;
	}

	/** Refuses to go on outside a transaction that Spring synchronizes, which is where the publisher can follow it. */
	static void requireSynchronized(String action) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()) {
			throw new IllegalTransactionStateException("Cannot " + action + " without an active transaction, so "
					+ "that the message commits or rolls back with the business change. Call it from a "
					+ "@Transactional method or inside a TransactionTemplate.");
		}
	}

	/** Remembers a message written in the current transaction, to be sent right after the commit. */
	void written(String messageId) {
		current().messageIds.add(messageId);
	}

	/**
	 * Records that the current transaction is about to lock an ordering key, and refuses at once when a transaction
	 * of this thread that is suspended (the caller of a {@code REQUIRES_NEW} method) holds it: the current transaction
	 * would wait for its own caller, which waits for it.
	 */
	void locking(String lockKey, String topic, String orderingKey) {
		State state = current();
		State holder = this.heldKeys.get().get(lockKey);
		if (holder != null && holder != state) {
			throw new ReliableMessagingException("Cannot publish a message with ordering key '" + orderingKey
					+ "' to topic '" + topic + "' in this transaction: a transaction it suspended (the caller of a "
					+ "REQUIRES_NEW method) published the same topic and key and holds its ordering lock until it "
					+ "commits, after this one. Publish it in the caller's transaction, or after the caller commits.");
		}
		this.heldKeys.get().put(lockKey, state);
		state.lockKeys.add(lockKey);
	}

	/**
	 * Keeps the current transaction from committing, because publishing a message to {@code topic} failed in it.
	 * Outside a synchronized transaction there is nothing to keep from committing.
	 */
	void failed(String topic, RuntimeException failure) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			State state = current();
			if (state.failure == null) {
				state.failure = new ReliableMessagingException("The transaction was rolled back because publishing a "
						+ "message to topic '" + topic + "' failed in it (" + failure.getMessage() + "); a business "
						+ "change must not commit without its message.", failure);
			}
		}
	}

	private State current() {
		State state = (State) TransactionSynchronizationManager.getResource(this);
		if (state == null) {
			state = new State();
			TransactionSynchronizationManager.bindResource(this, state);
			TransactionSynchronizationManager.registerSynchronization(state);
		}
		return state;
	}

	/** What one transaction published; bound while the transaction is the current one. */
	private final class State implements TransactionSynchronization {

		private final List<String> messageIds = new ArrayList<>();

		private final Set<String> lockKeys = new HashSet<>();

		private @Nullable ReliableMessagingException failure;

		@Override
		public void suspend() {
			TransactionSynchronizationManager.unbindResourceIfPossible(PublishingTransaction.this);
		}

		@Override
		public void resume() {
			TransactionSynchronizationManager.bindResource(PublishingTransaction.this, this);
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			if (this.failure != null) {
				throw this.failure;
			}
		}

		@Override
		public void afterCompletion(int status) {
			if (TransactionSynchronizationManager.getResource(PublishingTransaction.this) == this) {
				TransactionSynchronizationManager.unbindResource(PublishingTransaction.this);
			}
			Map<String, State> held = PublishingTransaction.this.heldKeys.get();
			this.lockKeys.forEach((key) -> held.remove(key, this));
			if (held.isEmpty()) {
				PublishingTransaction.this.heldKeys.remove();
			}
			if (status == STATUS_COMMITTED && !this.messageIds.isEmpty()) {
				PublishingTransaction.this.afterCommit.accept(List.copyOf(this.messageIds));
			}
		}

	}

}
