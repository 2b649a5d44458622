package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.reliablemessaging.autoconfigure.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.ReliableMessageHandler.Together;

/**
 * The RocketMQ push consumer of one {@code @ReliableListener} method. Messages are acknowledged only when their
 * transaction committed or they were duplicates; a failure leaves them to RocketMQ's redelivery, and an unreadable
 * body is handed to the dead-letter queue at once.
 */
final class ListenerContainer {

	private static final Logger logger = LoggerFactory.getLogger(ListenerContainer.class);

	/** Delay level -1 asks the broker to put a message sent back straight into the dead-letter queue. */
	private static final int DEAD_LETTER_LEVEL = -1;

	/** Lets the broker pick the delay from the message's redelivery count, as for a failed batch. */
	private static final int RETRY_LEVEL = 0;

	private final ListenerMethod listener;

	private final ReliableMessageHandler handler;

	private final DefaultMQPushConsumer consumer;

	private final Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);

	private final MessagingMetrics metrics;

	private final MessageTracing tracing;

	ListenerContainer(ListenerMethod listener, ReliableMessageHandler handler, RocketMqEndpoint endpoint,
			ConsumerSettings settings, MessagingMetrics metrics, MessageTracing tracing) {
		this.metrics = metrics;
		this.tracing = tracing;
		this.listener = listener;
		this.handler = handler;
		for (Outcome outcome : Outcome.values()) {
			this.outcomes.put(outcome, new AtomicLong());
		}
		this.consumer = endpoint.newPushConsumer(listener.consumerGroup());
		this.consumer.setInstanceName("rm-" + listener.consumerGroup() + "-" + UUID.randomUUID());
		this.consumer.setConsumeFromWhere(settings.consumeFromWhere());
		this.consumer.setAllocateMessageQueueStrategy(new DistinctClientsAllocation());
		this.consumer.setMaxReconsumeTimes(listener.maxReconsumeTimes());
		this.consumer.setConsumeThreadMin(settings.threads());
		this.consumer.setConsumeThreadMax(settings.threads());
		if (!listener.orderly()) {
			// an orderly batch shares its redeliveries: a failing message would use up those of the messages after it
			this.consumer.setConsumeMessageBatchMaxSize(settings.batchSize());
		}
		this.consumer.setAwaitTerminationMillisWhenShutdown(settings.shutdownWait().toMillis());
		this.consumer.setPollNameServerInterval((int) settings.routeRefreshInterval().toMillis());
		if (listener.orderly()) {
			this.consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> consumeOrderly(messages));
		}
		else {
			this.consumer.registerMessageListener((MessageListenerConcurrently) this::consumeConcurrently);
		}
	}

	void start() throws MQClientException {
		this.consumer.subscribe(this.listener.topic(), this.listener.tag());
		this.consumer.start();
		logger.info("Listening on topic {} as group {} with {} ({})", this.listener.topic(),
				this.listener.consumerGroup(), this.listener.description(),
				this.listener.orderly() ? "orderly" : "concurrently");
	}

	void stop() {
		this.consumer.shutdown();
	}

	ListenerMethod listener() {
		return this.listener;
	}

	long count(Outcome outcome) {
		return this.outcomes.get(outcome).get();
	}

	/**
	 * Handles the messages together when they all succeed. When a listener call fails, that message counts as failed,
	 * as if it had come alone, and the others are handled one by one; each message that fails is sent back for
	 * redelivery on its own, so no other message of the batch spends a redelivery.
	 */
	private ConsumeConcurrentlyStatus consumeConcurrently(List<MessageExt> messages,
			ConsumeConcurrentlyContext context) {
		if (messages.size() == 1) {
			return handle(messages.get(0)) ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS
					: ConsumeConcurrentlyStatus.RECONSUME_LATER;
		}
		Together together = this.handler.handleTogether(messages, this.tracing);
		if (together.outcomes() != null) {
			for (int i = 0; i < messages.size(); i++) {
				record(together.outcomes().get(i), messages.get(i));
			}
			return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
		}
		boolean failuresSentBack = true;
		for (int i = 0; i < messages.size(); i++) {
			MessageExt message = messages.get(i);
			boolean done = (i == together.failedCall()) ? settle(Outcome.FAILED, message) : handle(message);
			if (!done && !sendBack(message, RETRY_LEVEL)) {
				failuresSentBack = false;
			}
		}
		// when a failure could not be sent back, the whole batch is redelivered; its handled messages are duplicates
		return failuresSentBack ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS : ConsumeConcurrentlyStatus.RECONSUME_LATER;
	}

	/** Stops the queue on a failure, so the failed message and everything after it keep their order. */
	private ConsumeOrderlyStatus consumeOrderly(List<MessageExt> messages) {
		for (MessageExt message : messages) {
			if (!handle(message)) {
				return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
			}
		}
		return ConsumeOrderlyStatus.SUCCESS;
	}

	/** Whether the message is done with and may be acknowledged. */
	private boolean handle(MessageExt message) {
		Outcome outcome = this.tracing.inConsumerSpan(this.listener,
				message.getUserProperty(MessageTracing.TRACEPARENT), () -> this.handler.handle(message));
		return settle(outcome, message);
	}

	/** Records the outcome of a message; whether it is done with and may be acknowledged. */
	private boolean settle(Outcome outcome, MessageExt message) {
		record(outcome, message);
		return switch (outcome) {
			case PROCESSED, DUPLICATE -> true;
			case FAILED -> {
				if (message.getReconsumeTimes() >= this.listener.maxReconsumeTimes()) {
					// RocketMQ sends a message back to the dead-letter queue once it has no retries left
					logger.error("Message {} (key {}) of topic {} failed on its last delivery ({}); RocketMQ moves it "
							+ "to %DLQ%{}", MessageIds.dedupKey(message), businessKey(message), message.getTopic(),
							message.getReconsumeTimes() + 1, this.listener.consumerGroup());
					this.metrics.deadLettered(this.listener, "retries_exhausted");
				}
				yield false;
			}
			case UNREADABLE -> sendToDeadLetterQueue(message);
		};
	}

	private void record(Outcome outcome, MessageExt message) {
		this.outcomes.get(outcome).incrementAndGet();
		this.metrics.consumed(this.listener, outcome, sinceCreation(message));
	}

	/** Time since the outbox row was created, or since the message was sent when it did not come from an outbox. */
	private static Duration sinceCreation(MessageExt message) {
		String createdAt = message.getUserProperty(RocketMqSender.CREATED_AT_PROPERTY);
		long created = message.getBornTimestamp();
		if (createdAt != null) {
			try {
				created = Long.parseLong(createdAt);
			}
			catch (NumberFormatException ex) {
				// not ours after all: keep the send time
			}
		}
		return Duration.ofMillis(System.currentTimeMillis() - created);
	}

	private static String businessKey(MessageExt message) {
		return String.valueOf(message.getUserProperty(RocketMqSender.KEY_PROPERTY));
	}

	private boolean sendToDeadLetterQueue(MessageExt message) {
		if (!sendBack(message, DEAD_LETTER_LEVEL)) {
			return false;
		}
		logger.error("Message {} (key {}) of topic {} is unreadable and moved to %DLQ%{} on delivery {}",
				MessageIds.dedupKey(message), businessKey(message), message.getTopic(), this.listener.consumerGroup(),
				message.getReconsumeTimes() + 1);
		this.metrics.deadLettered(this.listener, "unreadable");
		return true;
	}

	/**
	 * Hands a message back to the broker: for a later redelivery ({@link #RETRY_LEVEL}, which the broker turns into
	 * the dead-letter queue once the message has no redeliveries left) or straight to the dead-letter queue.
	 */
	private boolean sendBack(MessageExt message, int delayLevel) {
		try {
			this.consumer.sendMessageBack(message, delayLevel, message.getBrokerName());
			return true;
		}
		catch (Exception ex) {
			logger.warn("Could not send message {} back to the broker; it will be redelivered",
					MessageIds.dedupKey(message), ex);
			return false;
		}
	}

}
