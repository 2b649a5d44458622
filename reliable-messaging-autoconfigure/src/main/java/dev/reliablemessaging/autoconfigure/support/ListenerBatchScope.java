package dev.reliablemessaging.autoconfigure.support;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Marks the transaction of messages a listener handles together, so that work done outside it can be told apart.
 * When such a transaction fails, each message is handled again alone: whatever a listener call did in a transaction
 * of its own (a {@code REQUIRES_NEW} publish, another DataSource) has happened once already and happens again. The
 * publisher asks {@link #inTransactionOfItsOwn()} to warn about the common case.
 */
public final class ListenerBatchScope {

	private static final ThreadLocal<@Nullable Marker> current = new ThreadLocal<>();

	private ListenerBatchScope() {
	}

	/** Marks the current transaction as that of a batch of messages, until {@link #leave()}. */
	public static void enter() {
		Marker marker = new Marker();
		TransactionSynchronizationManager.registerSynchronization(marker);
		current.set(marker);
	}

	public static void leave() {
		current.remove();
	}

	/**
	 * Whether this thread handles a batch of messages and the current transaction is not the batch's: a new
	 * transaction suspends the batch's synchronizations, its marker among them.
	 */
	public static boolean inTransactionOfItsOwn() {
		Marker marker = current.get();
		if (marker == null) {
			return false;
		}
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return true;
		}
		List<TransactionSynchronization> synchronizations = TransactionSynchronizationManager.getSynchronizations();
		return !synchronizations.contains(marker);
	}

	/** A synchronization that does nothing but belong to the batch's transaction. */
	private static final class Marker implements TransactionSynchronization {

	}

}
