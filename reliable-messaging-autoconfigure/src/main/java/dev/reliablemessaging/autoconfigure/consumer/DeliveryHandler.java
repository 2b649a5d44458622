package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Together;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Handles what the broker delivers to one listener: a concurrent delivery in slices of the adaptive batch size, each
 * slice in one transaction, and the messages of a slice that failed one by one while no other transaction of the
 * listener runs; an orderly delivery message by message. Batching never adds a failure the listener would not have
 * alone. (The lock is this instance's: transactions of other instances of the group may still take locks first, as
 * they would without batches. A transaction waits for it at most {@link #LOCK_WAIT}, so one handler that hangs
 * holds up its own thread only.)
 */
final class DeliveryHandler {

	/**
	 * How long a transaction of the listener waits for the others before it runs without that order: batches wait
	 * for the messages of a failed batch handled alone, and those for the batches running.
	 */
	static final Duration LOCK_WAIT = Duration.ofSeconds(10);

	private final ReliableMessageHandler handler;

	private final AdaptiveBatchSize batchSize;

	private final MessageTracing tracing;

	/** Shared by the transactions of this listener, held alone by those of a batch that failed. */
	private final ReentrantReadWriteLock transactions = new ReentrantReadWriteLock();

	/** Since when (nano time) a failed batch is handled alone; 0 while none is. */
	private volatile long exclusiveSince;

	DeliveryHandler(ReliableMessageHandler handler, AdaptiveBatchSize batchSize, MessageTracing tracing) {
		this.handler = handler;
		this.batchSize = batchSize;
		this.tracing = tracing;
	}

	/** The outcome of each message of a concurrent delivery, in its order. */
	List<Outcome> handle(List<MessageExt> messages) {
		List<Outcome> outcomes = new ArrayList<>(messages.size());
		// the size is read again for every slice: one that lost a lock conflict shrinks those after it at once
		for (int from = 0; from < messages.size();) {
			int to = Math.min(messages.size(), from + this.batchSize.current());
			outcomes.addAll(handleSlice(messages.subList(from, to)));
			from = to;
		}
		return outcomes;
	}

	/** Handles one message of an orderly delivery in a transaction of its own. */
	Outcome handleAlone(MessageExt message) {
		return handleAlone(message, true);
	}

	/**
	 * Handles messages delivered together in one transaction, or each alone when that transaction fails; a lock
	 * conflict between batches halves the batch size at once, also for the batches that wait to be handled. Messages
	 * of a batch that failed are handled alone while no other transaction of this listener runs, so that they meet
	 * no lock a batch holds: batching never adds a failure the listener would not have alone.
	 */
	private List<Outcome> handleSlice(List<MessageExt> batch) {
		if (batch.size() == 1) {
			this.batchSize.handled();
			try {
				return List.of(whileShared(() -> handleAlone(batch.get(0), false)));
			}
			catch (LostDeadlocks ex) {
				// it lost a deadlock every time: once more where no other transaction of this listener runs
				return List.of(exclusively(() -> handleAlone(batch.get(0), true)));
			}
		}
		Together together = whileShared(() -> this.handler.handleTogether(batch, this.tracing));
		if (together.outcomes() != null) {
			this.batchSize.handled();
			return together.outcomes();
		}
		if (together.lockConflict()) {
			this.batchSize.failed();
		}
		return exclusively(() -> {
			List<Outcome> outcomes = new ArrayList<>(batch.size());
			for (MessageExt message : batch) {
				outcomes.add(handleAlone(message, true));
			}
			return outcomes;
		});
	}

	private <T> T exclusively(Supplier<T> transactions) {
		boolean locked = acquire(this.transactions.writeLock(), LOCK_WAIT);
		if (locked) {
			this.exclusiveSince = System.nanoTime();
		}
		try {
			return transactions.get();
		}
		finally {
			if (locked) {
				this.exclusiveSince = 0;
				this.transactions.writeLock().unlock();
			}
		}
	}

	/**
	 * Runs a transaction while no failed batch is handled alone; when one has been for longer than
	 * {@link #LOCK_WAIT} (a handler hangs), at once and without that order: the order only keeps batches from taking
	 * locks first, so a hung handler must not hold up the rest of the listener, nor its shutdown.
	 */
	private <T> T whileShared(Supplier<T> transaction) {
		long since = this.exclusiveSince;
		Duration wait = LOCK_WAIT;
		if (since != 0) {
			wait = LOCK_WAIT.minusNanos(System.nanoTime() - since);
		}
		boolean locked = !wait.isNegative() && acquire(this.transactions.readLock(), wait);
		try {
			return transaction.get();
		}
		finally {
			if (locked) {
				this.transactions.readLock().unlock();
			}
		}
	}

	/** Takes the lock within the wait; an interrupt (shutdown) gives up at once. */
	private static boolean acquire(Lock lock, Duration wait) {
		try {
			return lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private Outcome handleAlone(MessageExt message, boolean conflictsFail) {
		ListenerMethod listener = this.handler.listener();
		return this.tracing.inConsumerSpan(listener.topic(), listener.consumerGroup(),
				message.getUserProperty(MessageHeaders.TRACEPARENT), () -> this.handler.handle(message, conflictsFail));
	}

}
