package dev.reliablemessaging.sample.naive;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import dev.reliablemessaging.sample.history.OrderHistory;
import dev.reliablemessaging.sample.history.OrderStatusChanged;
import dev.reliablemessaging.sample.warehouse.OrderPlacedEvent;
import dev.reliablemessaging.sample.warehouse.Warehouse;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain producer that sends once, after the commit, a plain consumer that reserves stock without an inbox and
 * acknowledges after its own commit, and a plain orderly consumer that keeps the orders' status history: the same
 * flows as the starter's, without an outbox or an inbox.
 */
@Component
@Profile("naive")
class NaiveMessaging implements SmartLifecycle {

	static final String TOPIC = "order-placed-naive";

	static final String STATUS_TOPIC = "order-status-naive";

	private static final Logger logger = LoggerFactory.getLogger(NaiveMessaging.class);

	private final DefaultMQProducer producer;

	private final DefaultMQPushConsumer consumer;

	private final DefaultMQPushConsumer history;

	private final JsonMapper json = new JsonMapper();

	private volatile boolean running;

	NaiveMessaging(@Value("${reliable-messaging.rocketmq.name-server}") String nameServer, JdbcTemplate jdbc,
			PlatformTransactionManager transactionManager,
			@Value("${warehouse.processing-time:0ms}") Duration processingTime,
			@Value("${reliable-messaging.rocketmq.route-refresh-interval:30s}") Duration routeRefresh) {
		this.producer = new DefaultMQProducer("order-service-naive");
		this.producer.setNamesrvAddr(nameServer);
		this.producer.setInstanceName("naive-" + UUID.randomUUID());
		this.consumer = new DefaultMQPushConsumer("warehouse-naive");
		this.consumer.setNamesrvAddr(nameServer);
		this.consumer.setInstanceName("naive-" + UUID.randomUUID());
		this.consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		// the same route refresh as the starter's clients, so both notice new topics equally soon
		this.producer.setPollNameServerInterval((int) routeRefresh.toMillis());
		this.consumer.setPollNameServerInterval((int) routeRefresh.toMillis());
		TransactionTemplate transaction = new TransactionTemplate(transactionManager);
		this.consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
			for (MessageExt message : messages) {
				OrderPlacedEvent order = this.json.readValue(message.getBody(), OrderPlacedEvent.class);
				Boolean reserved = transaction.execute((status) -> Warehouse.reserve(jdbc, order, processingTime));
				sendStatus(OrderStatusChanged.decided(order.orderId(), Boolean.TRUE.equals(reserved)));
			}
			return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
		});
		this.history = new DefaultMQPushConsumer("order-history-naive");
		this.history.setNamesrvAddr(nameServer);
		this.history.setInstanceName("naive-" + UUID.randomUUID());
		this.history.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		this.history.setPollNameServerInterval((int) routeRefresh.toMillis());
		this.history.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
			for (MessageExt message : messages) {
				OrderStatusChanged change = this.json.readValue(message.getBody(), OrderStatusChanged.class);
				transaction.executeWithoutResult((status) -> OrderHistory.record(jdbc, change));
			}
			return ConsumeOrderlyStatus.SUCCESS;
		});
	}

	/** Sends a status change once, to the queue of its order; a failure is logged and the message is gone. */
	void sendStatus(OrderStatusChanged change) {
		try {
			this.producer.send(new Message(STATUS_TOPIC, this.json.writeValueAsString(change).getBytes(StandardCharsets.UTF_8)),
					(queues, message, orderId) -> queues.get(Math.floorMod(orderId.hashCode(), queues.size())),
					change.orderId());
		}
		catch (Exception ex) {
			logger.warn("Could not send a status change of order {}: {}", change.orderId(), ex.toString());
		}
	}

	/** Sends once; a failure is logged and the message is gone. */
	void send(OrderPlacedEvent order) {
		try {
			this.producer.send(new Message(TOPIC, this.json.writeValueAsString(order).getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			logger.warn("Could not send OrderPlaced for order {}: {}", order.orderId(), ex.toString());
		}
	}

	@Override
	public void start() {
		try {
			this.producer.start();
			this.consumer.subscribe(TOPIC, "*");
			this.consumer.start();
			this.history.subscribe(STATUS_TOPIC, "*");
			this.history.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the naive producer and consumer", ex);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.consumer.shutdown();
		this.history.shutdown();
		this.producer.shutdown();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
