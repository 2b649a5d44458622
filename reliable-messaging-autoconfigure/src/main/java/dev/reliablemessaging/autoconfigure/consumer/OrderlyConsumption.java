package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.List;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an orderly listener handles its queues: one message at a time; after a failure the queue pauses, for longer
 * each time (up to RocketMQ's 30 s), so the message and everything after it keep their order. A message that failed
 * {@code park-after-failures} times in its handler, or can never be read, is parked with the later messages of its
 * ordering key, and the queue moves on: only that key waits, until an operator lets it go.
 */
final class OrderlyConsumption implements MessageListenerOrderly {

	private static final Logger logger = LoggerFactory.getLogger(ListenerContainer.class);

	private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

	/** The longest pause of an orderly queue that RocketMQ allows. */
	private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

	private final ListenerMethod listener;

	private final DeliveryHandler deliveries;

	private final ReliableMessageHandler handler;

	private final ParkingLot parking;

	private final ListenerOutcomes outcomes;

	private final HandlerFailures failures;

	OrderlyConsumption(ReliableMessageHandler handler, DeliveryHandler deliveries, ParkingLot parking,
			ListenerOutcomes outcomes, int parkAfterFailures) {
		this.listener = handler.listener();
		this.handler = handler;
		this.deliveries = deliveries;
		this.parking = parking;
		this.outcomes = outcomes;
		this.failures = new HandlerFailures(parkAfterFailures);
	}

	@Override
	public ConsumeOrderlyStatus consumeMessage(List<MessageExt> messages, ConsumeOrderlyContext context) {
		for (MessageExt message : messages) {
			Outcome outcome;
			Throwable failure;
			try {
				outcome = this.parking.joinsParkedKey(message) ? Outcome.PARKED : this.deliveries.handleAlone(message);
				failure = this.handler.takeLastFailure();
			}
			catch (RuntimeException ex) {
				// the parked messages could not be looked up (the database is away): nothing was handled
				logger.warn("Could not look up the parked messages of {} for message {}; it will be tried again",
						this.listener.consumerGroup(), DedupKey.of(message), ex);
				outcome = Outcome.FAILED;
				failure = ex;
			}
			this.outcomes.record(outcome, message);
			boolean done = switch (outcome) {
				case PROCESSED, DUPLICATE, PARKED -> true;
				case UNREADABLE -> park(message, failure);
				case FAILED -> (message.getReconsumeTimes() >= this.listener.maxReconsumeTimes())
						? this.outcomes.deadLetter(message, "retries_exhausted")
						: this.failures.failedForGood(message, failure) && park(message, failure);
			};
			if (!done) {
				Duration pause = pause(message.getReconsumeTimes());
				context.setSuspendCurrentQueueTimeMillis(pause.toMillis());
				logger.debug("Orderly queue of {} paused for {} before message {} is handled again",
						this.listener.consumerGroup(), pause, DedupKey.of(message));
				return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
			}
			this.failures.forget(message);
		}
		return ConsumeOrderlyStatus.SUCCESS;
	}

	private boolean park(MessageExt message, @Nullable Throwable failure) {
		String reason = (failure != null) ? ReliableMessageHandler.firstLine(failure) : null;
		boolean parked = this.parking.park(message, reason);
		if (parked) {
			this.outcomes.parked();
		}
		return parked;
	}

	/** The pause of an orderly queue before the next try of a message that failed {@code failures} times. */
	static Duration pause(int failures) {
		Duration pause = FIRST_PAUSE.multipliedBy(1L << Math.min(failures, 10));
		return (pause.compareTo(LONGEST_PAUSE) <= 0) ? pause : LONGEST_PAUSE;
	}

}
