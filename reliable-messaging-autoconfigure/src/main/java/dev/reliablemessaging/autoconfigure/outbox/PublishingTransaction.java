package dev.reliablemessaging.autoconfigure.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.reliablemessaging.ReliableMessagingException;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The business transaction as the publisher sees it: the messages written in it, handed to the fast path once it
 * has committed, and whether a publish in it failed. A transaction in which a publish failed cannot commit, even when
 * the caller caught the exception: its business change would commit without its message. One synchronization per
 * transaction, however many messages it writes.
 */
final class PublishingTransaction {

	private final Consumer<List<String>> afterCommit;

	public PublishingTransaction(Consumer<List<String>> afterCommit) {
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

	private final class State implements TransactionSynchronization {

		private final List<String> messageIds = new ArrayList<>();

		private @Nullable ReliableMessagingException failure;

		@Override
		public void beforeCommit(boolean readOnly) {
			if (this.failure != null) {
				throw this.failure;
			}
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(PublishingTransaction.this);
			if (status == STATUS_COMMITTED && !this.messageIds.isEmpty()) {
				PublishingTransaction.this.afterCommit.accept(List.copyOf(this.messageIds));
			}
		}

	}

}
