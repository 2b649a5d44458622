package dev.reliablemessaging.autoconfigure.consumer;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.autoconfigure.consumer.ParkedMessages.Parked;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where one orderly listener parks the messages it cannot handle, and where an operator lets them go: a message that
 * joins a parked key is parked behind the others; a release handles the key's messages again in order, from the
 * first; a dead-letter stores the first in the group's dead-letter queue and releases the rest.
 */
final class ParkingLot {

	private static final Logger logger = LoggerFactory.getLogger(ParkingLot.class);

	private final ParkedMessages parked;

	private final ReliableMessageHandler handler;

	private final TransactionTemplate transactions;

	private final MessageHandBack handBack;

	ParkingLot(ParkedMessages parked, ReliableMessageHandler handler, TransactionTemplate transactions,
			MessageHandBack handBack) {
		this.parked = parked;
		this.handler = handler;
		this.transactions = transactions;
		this.handBack = handBack;
	}

	/** Parks the message behind the parked messages of its key, if its key has any; whether it did. */
	boolean joinsParkedKey(MessageExt message) {
		String group = group();
		String key = ParkedMessages.keyOf(message);
		return Boolean.TRUE.equals(this.transactions.execute((status) -> {
			if (!this.parked.holds(group, key)) {
				return false;
			}
			this.parked.park(group, key, message, null);
			return true;
		}));
	}

	/** Parks a message that failed for good, holding back the later messages of its key; whether it is stored. */
	boolean park(MessageExt message, @Nullable String reason) {
		String key = ParkedMessages.keyOf(message);
		try {
			this.transactions.executeWithoutResult((status) -> this.parked.park(group(), key, message, reason));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not park message {} of {}; it will be tried again", DedupKey.of(message), group(), ex);
			return false;
		}
		logger.error("Message {} of topic {} is parked with the later messages of its key '{}' for group {}, after "
				+ "{} failed deliveries: {}. The other keys go on; release the key, or dead-letter the message, "
				+ "through the reliablemessaging endpoint.", DedupKey.of(message), message.getTopic(), key, group(),
				message.getReconsumeTimes() + 1, reason);
		return true;
	}

	/**
	 * Handles the parked messages of a key again, in order, each in a transaction of its own; stops at the first that
	 * fails, which stays parked with the ones after it.
	 */
	ParkedRelease release(String key) {
		int handled = 0;
		try {
			while (releaseFirst(key)) {
				handled++;
			}
			return new ParkedRelease(handled, null);
		}
		catch (RuntimeException ex) {
			logger.warn("Parked message of key '{}' for group {} failed again; it stays parked", key, group(), ex);
			return new ParkedRelease(handled, ReliableMessageHandler.firstLine(ex));
		}
	}

	private boolean releaseFirst(String key) {
		return Boolean.TRUE.equals(this.transactions.execute((status) -> {
			Parked first = this.parked.first(group(), key);
			if (first == null) {
				return false;
			}
			Outcome outcome = this.handler.handleInCurrentTransaction(first.message());
			this.parked.remove(first.id());
			logger.info("Parked message {} of key '{}' for group {}: {}", DedupKey.of(first.message()), key, group(),
					outcome);
			return true;
		}));
	}

	/** Stores the first parked message of a key in the group's dead-letter queue, then releases the others. */
	ParkedRelease deadLetterFirst(String key) {
		try {
			deadLetterOnlyFirst(key);
		}
		catch (RuntimeException ex) {
			return new ParkedRelease(0, ReliableMessageHandler.firstLine(ex));
		}
		return release(key);
	}

	private void deadLetterOnlyFirst(String key) {
		this.transactions.executeWithoutResult((status) -> {
			Parked first = this.parked.first(group(), key);
			if (first == null) {
				return;
			}
			if (!this.handBack.deadLetter(first.message(), group(), "parked")) {
				throw new IllegalStateException("The broker did not store parked message "
						+ DedupKey.of(first.message()) + " in the dead-letter queue of " + group() + "; it stays parked");
			}
			this.parked.remove(first.id());
			logger.warn("Parked message {} of key '{}' for group {} is in its dead-letter queue", DedupKey.of(first.message()),
					key, group());
		});
	}

	private String group() {
		return this.handler.listener().consumerGroup();
	}

}
