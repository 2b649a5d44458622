package dev.reliablemessaging.sample.naive;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import dev.reliablemessaging.sample.warehouse.OrderPlacedEvent;
import dev.reliablemessaging.sample.warehouse.Warehouse;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
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
 * A plain producer that sends once, after the commit, and a plain consumer that reserves stock without an inbox and
 * acknowledges after its own commit.
 */
@Component
@Profile("naive")
class NaiveMessaging implements SmartLifecycle {

	static final String TOPIC = "order-placed-naive";

	private static final Logger logger = LoggerFactory.getLogger(NaiveMessaging.class);

	private final DefaultMQProducer producer;

	private final DefaultMQPushConsumer consumer;

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
				transaction.executeWithoutResult((status) -> Warehouse.reserve(jdbc, order, processingTime));
			}
			return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
		});
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
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the naive producer and consumer", ex);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.consumer.shutdown();
		this.producer.shutdown();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
