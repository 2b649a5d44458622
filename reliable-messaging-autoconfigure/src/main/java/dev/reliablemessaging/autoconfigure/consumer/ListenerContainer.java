package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqClients;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocketMQ push consumer of one {@code @ReliableListener} method. A message is acknowledged only when its
 * transaction committed, it was a duplicate, or a copy of it was stored for its redelivery or in the dead-letter
 * queue by a send whose status was checked.
 * <p>
 * A concurrent listener handles the messages delivered together in one transaction; if that transaction fails for
 * any reason, each of them is handled again alone, at once, and only a failure alone counts. A failed message is
 * handed back for a redelivery after RocketMQ's delay, or to the dead-letter queue when it has none left.
 * <p>
 * An orderly listener handles one message at a time and pauses its queue after a failure, for longer each time (up
 * to RocketMQ's 30 s), so the failed message and everything after it keep their order for as long as the failure
 * lasts. Only a body that can never be read goes to its dead-letter queue.
 */
public final class ListenerContainer {

	private static final Logger logger = LoggerFactory.getLogger(ListenerContainer.class);

	/** RocketMQ takes back a message consumed longer than this; a handler's transaction times out long before. */
	private static final long CONSUME_TIMEOUT_MINUTES = 7 * 24 * 60;

	private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

	/** The longest pause of an orderly queue that RocketMQ allows. */
	private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

	private final ListenerMethod listener;

	private final MessageHandBack handBack;

	private final RocketMqClients endpoint;

	private final ConsumerSettings settings;

	private final AdaptiveBatchSize batchSize;

	/** A new one for every start: a RocketMQ client that was shut down cannot start again. */
	private volatile @Nullable DefaultMQPushConsumer consumer;

	private final Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);

	private final MessagingMetrics metrics;

	private final DeliveryHandler deliveries;

	private volatile boolean running;

	ListenerContainer(ReliableMessageHandler handler, MessageHandBack handBack, RocketMqClients endpoint,
			ConsumerSettings settings, MessagingMetrics metrics, MessageTracing tracing) {
		this.listener = handler.listener();
		this.handBack = handBack;
		this.metrics = metrics;
		for (Outcome outcome : Outcome.values()) {
			this.outcomes.put(outcome, new AtomicLong());
		}
		this.endpoint = endpoint;
		this.settings = settings;
		// an orderly batch shares its redeliveries: a failing message would use up those of the messages after it
		this.batchSize = new AdaptiveBatchSize(this.listener.orderly() ? 1 : settings.batchSize(), (size) -> {
			DefaultMQPushConsumer current = this.consumer;
			if (current != null) {
				current.setConsumeMessageBatchMaxSize(size);
			}
		});
		this.deliveries = new DeliveryHandler(handler, this.batchSize, tracing);
	}

	private DefaultMQPushConsumer newConsumer() {
		DefaultMQPushConsumer created = this.endpoint.newPushConsumer(this.listener.consumerGroup());
		created.setConsumeFromWhere(this.settings.consumeFromWhere());
		created.setAllocateMessageQueueStrategy(new DistinctClientsAllocation());
		// redeliveries and dead letters are this container's, with checked sends; RocketMQ never sends one back
		created.setMaxReconsumeTimes(this.listener.orderly() ? -1 : this.listener.maxReconsumeTimes());
		created.setConsumeTimeout(CONSUME_TIMEOUT_MINUTES);
		created.setConsumeThreadMin(this.settings.threads());
		created.setConsumeThreadMax(this.settings.threads());
		created.setConsumeMessageBatchMaxSize(this.batchSize.current());
		created.setAwaitTerminationMillisWhenShutdown(this.settings.shutdownWait().toMillis());
		if (this.listener.orderly()) {
			created.registerMessageListener((MessageListenerOrderly) this::consumeOrderly);
		}
		else {
			created.registerMessageListener((MessageListenerConcurrently) this::consumeConcurrently);
		}
		return created;
	}

	/** Starts a consumer of the listener's group; after a stop, a new one. */
	void start() throws MQClientException {
		DefaultMQPushConsumer started = newConsumer();
		started.subscribe(this.listener.topic(), this.listener.tag());
		this.consumer = started;
		this.running = true;
		try {
			started.start();
		}
		catch (MQClientException | RuntimeException ex) {
			this.running = false;
			started.shutdown();
			throw ex;
		}
		logger.info("Listening on topic {} as group {} with {} ({})", this.listener.topic(),
				this.listener.consumerGroup(), this.listener.description(),
				this.listener.orderly() ? "orderly" : "concurrently");
	}

	void stop() {
		this.running = false;
		DefaultMQPushConsumer current = this.consumer;
		if (current != null) {
			current.shutdown();
		}
	}

	public ListenerMethod listener() {
		return this.listener;
	}

	public long count(Outcome outcome) {
		return this.outcomes.get(outcome).get();
	}

	private ConsumeConcurrentlyStatus consumeConcurrently(List<MessageExt> messages,
			ConsumeConcurrentlyContext context) {
		List<Outcome> results = this.deliveries.handle(messages);
		boolean allDone = true;
		for (int i = 0; i < messages.size(); i++) {
			MessageExt message = messages.get(i);
			record(results.get(i), message);
			if (!settleConcurrently(results.get(i), message)) {
				allDone = false;
			}
		}
		// only when a hand-back could not be stored before the container stopped: then RocketMQ redelivers them all,
		// and the inbox absorbs those that were done
		return allDone ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS : ConsumeConcurrentlyStatus.RECONSUME_LATER;
	}

	/** Whether the message is done with: processed, a duplicate, or its copy stored for later. */
	private boolean settleConcurrently(Outcome outcome, MessageExt message) {
		return switch (outcome) {
			case PROCESSED, DUPLICATE -> true;
			case FAILED -> (message.getReconsumeTimes() >= this.listener.maxReconsumeTimes())
					? untilStored(() -> deadLetter(message, "retries_exhausted"))
					: untilStored(() -> retry(message));
			case UNREADABLE -> untilStored(() -> deadLetter(message, "unreadable"));
		};
	}

	/**
	 * Tries a hand-back until the broker stores it, pausing longer each time, for as long as the container runs:
	 * the message must not be acknowledged before its copy is stored, and nothing else can be done for it meanwhile.
	 */
	private boolean untilStored(HandBackAttempt attempt) {
		Duration pause = FIRST_PAUSE;
		while (!attempt.stored()) {
			if (!this.running) {
				return false;
			}
			try {
				Thread.sleep(pause.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			pause = min(pause.multipliedBy(2), LONGEST_PAUSE);
		}
		return true;
	}

	private ConsumeOrderlyStatus consumeOrderly(List<MessageExt> messages, ConsumeOrderlyContext context) {
		for (MessageExt message : messages) {
			Outcome outcome = this.deliveries.handleAlone(message);
			record(outcome, message);
			boolean done = switch (outcome) {
				case PROCESSED, DUPLICATE -> true;
				case UNREADABLE -> deadLetter(message, "unreadable");
				case FAILED -> message.getReconsumeTimes() >= this.listener.maxReconsumeTimes()
						&& deadLetter(message, "retries_exhausted");
			};
			if (!done) {
				Duration pause = pause(message.getReconsumeTimes());
				context.setSuspendCurrentQueueTimeMillis(pause.toMillis());
				logger.debug("Orderly queue of {} paused for {} before message {} is handled again",
						this.listener.consumerGroup(), pause, DedupKey.of(message));
				return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
			}
		}
		return ConsumeOrderlyStatus.SUCCESS;
	}

	/** The pause of an orderly queue before the next try of a message that failed {@code failures} times. */
	static Duration pause(int failures) {
		return min(FIRST_PAUSE.multipliedBy(1L << Math.min(failures, 10)), LONGEST_PAUSE);
	}

	private boolean retry(MessageExt message) {
		if (!this.handBack.retry(message, this.listener.consumerGroup(), this.listener.maxReconsumeTimes())) {
			return false;
		}
		this.metrics.redelivered(this.listener.topic(), this.listener.consumerGroup());
		return true;
	}

	private boolean deadLetter(MessageExt message, String reason) {
		if (!this.handBack.deadLetter(message, this.listener.consumerGroup(), reason)) {
			return false;
		}
		logger.error("Message {} (key {}) of topic {} is in %DLQ%{} ({}) after delivery {}", DedupKey.of(message),
				ReliableMessageHandler.key(message), message.getTopic(), this.listener.consumerGroup(), reason,
				message.getReconsumeTimes() + 1);
		this.metrics.deadLettered(this.listener.topic(), this.listener.consumerGroup(), reason);
		return true;
	}

	private void record(Outcome outcome, MessageExt message) {
		this.outcomes.get(outcome).incrementAndGet();
		this.metrics.consumed(this.listener.topic(), this.listener.consumerGroup(),
				outcome.name().toLowerCase(Locale.ROOT), sinceCreation(message));
	}

	/** Time since the outbox row was created, or since the message was sent when it did not come from an outbox. */
	private static Duration sinceCreation(MessageExt message) {
		String createdAt = message.getUserProperty(MessageHeaders.CREATED_AT);
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

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/** One try at handing a message back; whether its copy is stored. */
	private interface HandBackAttempt {

		boolean stored();

	}

}
