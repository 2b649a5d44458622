package dev.reliablemessaging.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Collects the message ids written in the current transaction and, once it has committed, passes them to a
 * consumer (the relay's fast path). One synchronization per transaction, however many messages it writes.
 */
final class CommittedMessages {

	private final Consumer<List<String>> afterCommit;

	CommittedMessages(Consumer<List<String>> afterCommit) {
		this.afterCommit = afterCommit;
	}

	/** A sink that does nothing, for when the fast path is off. */
	static CommittedMessages ignored() {
		return new CommittedMessages((ids) -> {
		});
	}

	void add(String messageId) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return;
		}
		Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			pending = new Pending();
			TransactionSynchronizationManager.bindResource(this, pending);
			TransactionSynchronizationManager.registerSynchronization(pending);
		}
		pending.messageIds.add(messageId);
	}

	private final class Pending implements TransactionSynchronization {

		private final List<String> messageIds = new ArrayList<>();

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(CommittedMessages.this);
			if (status == STATUS_COMMITTED) {
				CommittedMessages.this.afterCommit.accept(List.copyOf(this.messageIds));
			}
		}

	}

}
