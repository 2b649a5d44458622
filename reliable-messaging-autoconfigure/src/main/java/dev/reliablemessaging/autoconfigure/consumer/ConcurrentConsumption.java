package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;

/**
 * How a concurrent listener settles what the broker delivers: each message is acknowledged only when its transaction
 * committed, it was a duplicate, or a copy of it was stored for its redelivery or in the dead-letter queue by a send
 * whose status was checked. A hand-back is tried until the broker stores it, for as long as the listener runs.
 */
final class ConcurrentConsumption implements MessageListenerConcurrently {

	private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

	private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

	private final ListenerMethod listener;

	private final DeliveryHandler deliveries;

	private final ListenerOutcomes outcomes;

	private final BooleanSupplier running;

	private final Supplier<@Nullable DefaultMQPushConsumer> consumer;

	ConcurrentConsumption(ListenerMethod listener, DeliveryHandler deliveries, ListenerOutcomes outcomes,
			BooleanSupplier running, Supplier<@Nullable DefaultMQPushConsumer> consumer) {
		this.listener = listener;
		this.deliveries = deliveries;
		this.outcomes = outcomes;
		this.running = running;
		this.consumer = consumer;
	}

	@Override
	public ConsumeConcurrentlyStatus consumeMessage(List<MessageExt> messages, ConsumeConcurrentlyContext context) {
		List<Outcome> results = this.deliveries.handle(messages);
		boolean allDone = true;
		for (int i = 0; i < messages.size(); i++) {
			MessageExt message = messages.get(i);
			this.outcomes.record(results.get(i), message);
			if (!settle(results.get(i), message)) {
				allDone = false;
			}
		}
		if (allDone) {
			return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
		}
		// only when a hand-back could not be stored before the listener stopped: nothing of the delivery may be
		// acknowledged, nor sent back by RocketMQ's own unchecked send-back, which it does for every message of a
		// delivery that returns RECONSUME_LATER; a dropped queue skips both, and the broker delivers them all again
		// (the inbox absorbs those that were done)
		abandon(context, messages);
		return ConsumeConcurrentlyStatus.RECONSUME_LATER;
	}

	/** Whether the message is done with: processed, a duplicate, or its copy stored for later. */
	private boolean settle(Outcome outcome, MessageExt message) {
		return switch (outcome) {
			case PROCESSED, DUPLICATE, PARKED -> true;
			case FAILED -> (message.getReconsumeTimes() >= this.listener.maxReconsumeTimes())
					? untilStored(() -> this.outcomes.deadLetter(message, "retries_exhausted"))
					: untilStored(() -> this.outcomes.retry(message));
			case UNREADABLE -> untilStored(() -> this.outcomes.deadLetter(message, "unreadable"));
		};
	}

	/**
	 * Tries a hand-back until the broker stores it, pausing longer each time, for as long as the listener runs:
	 * the message must not be acknowledged before its copy is stored, and nothing else can be done for it meanwhile.
	 */
	private boolean untilStored(BooleanSupplier stored) {
		Duration pause = FIRST_PAUSE;
		while (!stored.getAsBoolean()) {
			if (!this.running.getAsBoolean()) {
				return false;
			}
			try {
				Thread.sleep(pause.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			pause = (pause.multipliedBy(2).compareTo(LONGEST_PAUSE) <= 0) ? pause.multipliedBy(2) : LONGEST_PAUSE;
		}
		return true;
	}

	/**
	 * Makes RocketMQ drop the delivery: its queue is marked dropped (the consumer is stopping, and a queue it takes
	 * again starts from the committed offset), and the bodies are cleared, since RocketMQ logs a dropped delivery
	 * whole.
	 */
	private void abandon(ConsumeConcurrentlyContext context, List<MessageExt> messages) {
		DefaultMQPushConsumer current = this.consumer.get();
		if (current != null) {
			ProcessQueue queue = current.getDefaultMQPushConsumerImpl()
				.getRebalanceImpl()
				.getProcessQueueTable()
				.get(context.getMessageQueue());
			if (queue != null) {
				queue.setDropped(true);
			}
		}
		messages.forEach((message) -> message.setBody(null));
	}

}
