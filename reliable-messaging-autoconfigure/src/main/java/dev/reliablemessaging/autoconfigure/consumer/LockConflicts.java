package dev.reliablemessaging.autoconfigure.consumer;

import java.sql.SQLTransactionRollbackException;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.ConcurrencyFailureException;

/** Tells a handler's transaction that lost a lock conflict from one that failed, and how to try it again. */
final class LockConflicts {

	/**
	 * How often one delivery tries a message whose transaction lost a lock conflict (a deadlock, a lock timeout, a
	 * serialization failure): a concurrency accident, which another try usually gets past.
	 */
	static final int TRIES = 3;

	private LockConflicts() {
	}

	/** Whether a failure is a transaction that lost a lock conflict with another one, and may pass on another try. */
	static boolean lockConflict(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConcurrencyFailureException || cause instanceof SQLTransactionRollbackException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a lock conflict was a deadlock or a serialization failure, which another transaction caused by taking
	 * locks in another order, rather than a lock wait that timed out, which waiting alone would not have avoided.
	 */
	static boolean deadlock(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof CannotAcquireLockException) {
				return false;
			}
		}
		return lockConflict(failure);
	}

	static void pause() {
		try {
			Thread.sleep(10 + ThreadLocalRandom.current().nextInt(90));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
