package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;

import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqClients;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.MixAll;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocketMQ push consumer of one {@code @ReliableListener} method, started and stopped with the application. A
 * message is acknowledged only when its transaction committed, it was a duplicate, a copy of it was stored for its
 * redelivery or in the dead-letter queue by a send whose status was checked, or it was parked.
 * <p>
 * A concurrent listener handles the messages delivered together in one transaction, and each alone when that fails
 * ({@link ConcurrentConsumption}); an orderly listener one at a time, parking what fails for good
 * ({@link OrderlyConsumption}).
 */
public final class ListenerContainer {

	private static final Logger logger = LoggerFactory.getLogger(ListenerContainer.class);

	/** RocketMQ takes back a message consumed longer than this; a handler's transaction times out long before. */
	private static final long CONSUME_TIMEOUT_MINUTES = 7 * 24 * 60;

	/** How long a start waits for the broker to route a new group's retry topic. */
	private static final Duration RETRY_ROUTE_WAIT = Duration.ofSeconds(5);

	private final ListenerMethod listener;

	private final RocketMqClients endpoint;

	private final ConsumerSettings settings;

	private final AdaptiveBatchSize batchSize;

	private final ListenerOutcomes outcomes;

	private final DeliveryHandler deliveries;

	private final ReliableMessageHandler handler;

	private final @Nullable ParkingLot parking;

	/** A new one for every start: a RocketMQ client that was shut down cannot start again. */
	private volatile @Nullable DefaultMQPushConsumer consumer;

	private volatile boolean running;

	/**
	 * @param parking where an orderly listener parks what it cannot handle; {@code null} for a concurrent one
	 */
	ListenerContainer(ReliableMessageHandler handler, MessageHandBack handBack, @Nullable ParkingLot parking,
			RocketMqClients endpoint, ConsumerSettings settings, MessagingMetrics metrics, MessageTracing tracing) {
		this.listener = handler.listener();
		this.handler = handler;
		this.parking = parking;
		this.endpoint = endpoint;
		this.settings = settings;
		this.outcomes = new ListenerOutcomes(this.listener, handBack, metrics);
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
		if (this.parking != null) {
			created.registerMessageListener(new OrderlyConsumption(this.handler, this.deliveries, this.parking,
					this.outcomes, this.settings.parkAfterFailures()));
		}
		else {
			created.registerMessageListener(new ConcurrentConsumption(this.listener, this.deliveries, this.outcomes,
					() -> this.running, () -> this.consumer));
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
		if (!this.listener.orderly()) {
			awaitRetryRoute(started);
		}
		logger.info("Listening on topic {} as group {} with {} ({})", this.listener.topic(),
				this.listener.consumerGroup(), this.listener.description(),
				this.listener.orderly() ? "orderly" : "concurrently");
	}

	/**
	 * Waits until the consumer can route its group's retry topic, for {@link #RETRY_ROUTE_WAIT} at most. The broker
	 * creates a new group's retry topic when the consumer first connects, which is after the consumer asked for its
	 * routes; without asking again the first redelivery would wait for the next route refresh, not for its delay.
	 */
	private void awaitRetryRoute(DefaultMQPushConsumer started) {
		String retryTopic = MixAll.getRetryTopic(this.listener.consumerGroup());
		MQClientInstance client = started.getDefaultMQPushConsumerImpl().getmQClientFactory();
		long deadline = System.nanoTime() + RETRY_ROUTE_WAIT.toNanos();
		try {
			while (client.getTopicRouteTable().get(retryTopic) == null && System.nanoTime() < deadline) {
				client.updateTopicRouteInfoFromNameServer(retryTopic);
				if (client.getTopicRouteTable().get(retryTopic) == null) {
					Thread.sleep(100);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not route {} yet; the route refresh will", retryTopic, ex);
		}
		client.rebalanceImmediately();
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
		return this.outcomes.count(outcome);
	}

	/** Where this listener parks what it cannot handle; {@code null} for a concurrent listener. */
	@Nullable ParkingLot parking() {
		return this.parking;
	}

}
