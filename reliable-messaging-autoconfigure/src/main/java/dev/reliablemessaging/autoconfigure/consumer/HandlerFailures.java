package dev.reliablemessaging.autoconfigure.consumer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.reliablemessaging.DedupKey;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * How often each message at the head of an orderly listener's queues failed in its handler, to park it after
 * {@code park-after-failures}. A failure to reach the database (no connection, no transaction) does not count: a
 * database failover delays a key, it never parks it. Only messages that are failing now are remembered.
 */
final class HandlerFailures {

	private final int parkAfter;

	private final Map<String, Integer> failuresByMessage = new ConcurrentHashMap<>();

	HandlerFailures(int parkAfter) {
		this.parkAfter = parkAfter;
	}

	/** Counts a failure of the message; whether it has failed often enough to be parked. */
	boolean failedForGood(MessageExt message, @Nullable Throwable failure) {
		if (unreachableDatabase(failure)) {
			return false;
		}
		return this.failuresByMessage.merge(DedupKey.of(message), 1, Integer::sum) >= this.parkAfter;
	}

	/** Forgets a message that is done with. */
	void forget(MessageExt message) {
		this.failuresByMessage.remove(DedupKey.of(message));
	}

	private static boolean unreachableDatabase(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof CannotCreateTransactionException || cause instanceof DataAccessResourceFailureException
					|| cause instanceof TransientDataAccessResourceException || cause instanceof java.sql.SQLTransientConnectionException
					|| cause instanceof java.sql.SQLNonTransientConnectionException) {
				return true;
			}
		}
		return false;
	}

}
