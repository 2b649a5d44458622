package dev.reliablemessaging.autoconfigure;

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

/**
 * The RocketMQ push consumer of one {@code @ReliableListener} method. Messages are acknowledged only when their
 * transaction committed or they were duplicates; a failure leaves them to RocketMQ's redelivery, and an unreadable
 * body is handed to the dead-letter queue at once.
 */
final class ListenerContainer {

	private static final Logger logger = LoggerFactory.getLogger(ListenerContainer.class);

	/** Delay level -1 asks the broker to put a message sent back straight into the dead-letter queue. */
	private static final int DEAD_LETTER_LEVEL = -1;

	private final ListenerMethod listener;

	private final ReliableMessageHandler handler;

	private final DefaultMQPushConsumer consumer;

	private final Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);

	private final ConsumerMetrics metrics;

	ListenerContainer(ListenerMethod listener, ReliableMessageHandler handler, RocketMqEndpoint endpoint,
			ConsumerSettings settings, ConsumerMetrics metrics) {
		this.metrics = metrics;
		this.listener = listener;
		this.handler = handler;
		for (Outcome outcome : Outcome.values()) {
			this.outcomes.put(outcome, new AtomicLong());
		}
		this.consumer = new DefaultMQPushConsumer(listener.consumerGroup());
		this.consumer.setNamesrvAddr(endpoint.nameServer());
		this.consumer.setInstanceName("rm-" + listener.consumerGroup() + "-" + UUID.randomUUID());
		this.consumer.setConsumeFromWhere(settings.consumeFromWhere());
		this.consumer.setMaxReconsumeTimes(listener.maxReconsumeTimes());
		this.consumer.setConsumeThreadMin(settings.threads());
		this.consumer.setConsumeThreadMax(settings.threads());
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

	/** Acknowledges the committed prefix of the batch; the rest is redelivered. */
	private ConsumeConcurrentlyStatus consumeConcurrently(List<MessageExt> messages,
			ConsumeConcurrentlyContext context) {
		for (int i = 0; i < messages.size(); i++) {
			if (!handle(messages.get(i))) {
				if (i == 0) {
					return ConsumeConcurrentlyStatus.RECONSUME_LATER;
				}
				context.setAckIndex(i - 1);
				return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
			}
		}
		return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
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
		Outcome outcome = this.handler.handle(message);
		this.outcomes.get(outcome).incrementAndGet();
		this.metrics.record(this.listener, outcome);
		return switch (outcome) {
			case PROCESSED, DUPLICATE -> true;
			case FAILED -> false;
			case UNREADABLE -> sendToDeadLetterQueue(message);
		};
	}

	private boolean sendToDeadLetterQueue(MessageExt message) {
		try {
			this.consumer.sendMessageBack(message, DEAD_LETTER_LEVEL, message.getBrokerName());
			logger.error("Message {} of topic {} moved to %DLQ%{}", MessageIds.dedupKey(message), message.getTopic(),
					this.listener.consumerGroup());
			return true;
		}
		catch (Exception ex) {
			logger.warn("Could not move message {} to the dead-letter queue; it will be redelivered",
					MessageIds.dedupKey(message), ex);
			return false;
		}
	}

}
