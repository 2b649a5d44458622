package dev.reliablemessaging.autoconfigure.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Together;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRow;
import dev.reliablemessaging.autoconfigure.outbox.RocketMqSender;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @ReliableListener} against a real broker and H2: once per message, acknowledged only after commit,
 * failures redelivered, poison messages dead-lettered.
 */
class ReliableListenerTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void theSameOutboxRowSentTwiceRunsTheHandlerOnce() {
		concurrent().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			TestOrders.Order order = context.getBean(TestOrders.class).place("sku-1");
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);
			MessageContext delivered = warehouse.contexts.get(0);
			assertThat(delivered.key()).isEqualTo(order.id());

			resend(context, delivered.messageId(), order);
			ListenerContainer container = container(context);
			await().atMost(WAIT).until(() -> container.count(Outcome.DUPLICATE) == 1);
			assertThat(container.count(Outcome.PROCESSED)).isEqualTo(1);
			assertThat(container.count(Outcome.FAILED)).isZero();
			assertThat(warehouse.invocations).hasValue(1);
			assertThat(warehouse.reservations()).isEqualTo(1);
			assertThat(context.getBean(InboxStore.class).count(group(context))).isEqualTo(1);
		});
	}

	@Test
	void aHandlerThatFailsTwiceThenSucceedsChangesTheDatabaseOnceAndLeavesNothingInTheDeadLetterQueue() {
		concurrent().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			warehouse.failuresLeft.set(2);
			context.getBean(TestOrders.class).place("sku-2");
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);
			assertThat(warehouse.invocations).hasValue(3);
			assertThat(warehouse.contexts.get(0).reconsumeTimes()).isEqualTo(2);
			// each retry saw neither the reservation nor the inbox row of the failed attempt
			assertThat(warehouse.seenBeforeWriting).containsExactly("0/1", "0/1", "0/1");
			assertThat(warehouse.reservations()).isEqualTo(1);
			assertThat(context.getBean(InboxStore.class).count(group(context))).isEqualTo(1);
			try (BrokerProbe dlq = BrokerProbe.consume(SharedBroker.nameServer(), MixAll.getDLQTopic(group(context)))) {
				await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> dlq.received().isEmpty());
			}
		});
	}

	/** Spring's test context cache stops a context it pauses and starts it when a test needs it again. */
	@Test
	void aStoppedAndRestartedContextConsumesAndRedeliversAgain() {
		concurrent().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			context.getBean(TestOrders.class).place("sku-before-stop");
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);

			context.getSourceApplicationContext().stop();
			context.getSourceApplicationContext().start();

			warehouse.failuresLeft.set(1);
			context.getBean(TestOrders.class).place("sku-after-restart");
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 2);
			assertThat(container(context).count(Outcome.FAILED)).isEqualTo(1);
			assertThat(warehouse.reservations()).isEqualTo(2);
		});
	}

	@Test
	void aHandlerThatAlwaysFailsEndsInTheDeadLetterQueueAfterItsRedeliveries() {
		concurrent().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			warehouse.failuresLeft.set(Integer.MAX_VALUE);
			String dlq = MixAll.getDLQTopic(group(context));
			context.getBean(TestOrders.class).place("sku-3");
			await().atMost(WAIT).until(() -> warehouse.invocations.get() == 3);
			try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), dlq)) {
				await().atMost(WAIT).until(() -> probe.received().size() == 1);
				MessageExt dead = probe.received().get(0);
				assertThat(BrokerProbe.body(dead)).contains("sku-3");
				assertThat(dead.getUserProperty(MessageHeaders.MESSAGE_ID)).isNotBlank();
			}
			assertThat(warehouse.invocations).hasValue(3);
			assertThat(warehouse.reservations()).isZero();
			assertThat(context.getBean(InboxStore.class).count(group(context))).isZero();
		});
	}

	@Test
	void anUnreadableBodyGoesToTheDeadLetterQueueAtOnceWhileTheOthersAreProcessed() {
		concurrent().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			String topic = context.getEnvironment().getProperty("test.topic");
			DefaultMQProducer producer = producer(context);
			producer.send(new Message(topic, "{\"id\":\"good-1\",\"sku\":\"a\"}".getBytes(StandardCharsets.UTF_8)));
			producer.send(new Message(topic, "{not json".getBytes(StandardCharsets.UTF_8)));
			producer.send(new Message(topic, "{\"id\":{\"nested\":1},\"sku\":[]}".getBytes(StandardCharsets.UTF_8)));
			producer.send(new Message(topic, "{\"id\":\"good-2\",\"sku\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 2);
			try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), MixAll.getDLQTopic(group(context)))) {
				await().atMost(WAIT).until(() -> probe.received().size() == 2);
				assertThat(probe.received()).extracting(BrokerProbe::body)
					.containsExactlyInAnyOrder("{not json", "{\"id\":{\"nested\":1},\"sku\":[]}");
				// delivered once, and stored in the dead-letter queue with the reason
				assertThat(probe.received()).allSatisfy((dead) -> {
					assertThat(dead.getProperty(org.apache.rocketmq.common.message.MessageConst.PROPERTY_RECONSUME_TIME))
						.isEqualTo("1");
					assertThat(dead.getUserProperty(MessageHeaders.DEAD_LETTER_REASON)).isEqualTo("unreadable");
				});
			}
			assertThat(container(context).count(Outcome.UNREADABLE)).isEqualTo(2);
			assertThat(warehouse.invocations).hasValue(2);
			assertThat(warehouse.reservations()).isEqualTo(2);
		});
	}

	@Test
	void anOrderlyListenerKeepsPerKeyOrderAcrossAFailureAndRetry() {
		String topic = TestContexts.uniqueTopic("orderly");
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.OrderlyConfig.class)
			.withPropertyValues("test.topic=" + topic, "test.group=" + TestContexts.uniqueTopic("orderly-group"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestWarehouse.Orderly warehouse = context.getBean(TestWarehouse.Orderly.class);
				warehouse.failuresLeft.set(1);
				TestOrders orders = context.getBean(TestOrders.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				for (int seq = 0; seq < 20; seq++) {
					int current = seq;
					transactions.executeWithoutResult((status) -> {
						for (int customer = 0; customer < 3; customer++) {
							orders.placeInSequence("customer" + customer, current);
						}
					});
				}
				await().atMost(WAIT).until(() -> warehouse.sequenceByCustomer().values().stream()
					.mapToInt(List::size).sum() == 60);
				List<Integer> expected = IntStream.range(0, 20).boxed().toList();
				assertThat(warehouse.sequenceByCustomer()).hasSize(3)
					.allSatisfy((customer, sequence) -> assertThat(sequence).as(customer).isEqualTo(expected));
				// the failure happened, and the failed order was handled on a later delivery
				assertThat(warehouse.failuresLeft.get()).isNegative();
			});
	}

	@Test
	void messagesHandledTogetherCommitTogetherOrNotAtAll() {
		concurrent().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			ReliableMessageHandler handler = TestWarehouse.Concurrent.directHandler(context);
			InboxStore inbox = context.getBean(InboxStore.class);
			String topic = context.getEnvironment().getProperty("test.topic");
			assertThat(handler.handleTogether(List.of(message(topic, "a"), message(topic, "b"), message(topic, "a")),
					MessageTracing.none()).outcomes())
				.containsExactly(Outcome.PROCESSED, Outcome.PROCESSED, Outcome.DUPLICATE);
			assertThat(warehouse.reservations()).isEqualTo(2);

			// a listener call of the next batch fails: nothing of the batch is committed, and no message is failed,
			// since each is handled alone next
			warehouse.failuresLeft.set(1);
			assertThat(handler.handleTogether(List.of(message(topic, "a"), message(topic, "c"), message(topic, "d")),
					MessageTracing.none())).isEqualTo(new Together(null, false));
			assertThat(warehouse.reservations()).isEqualTo(2);
			assertThat(inbox.count(group(context))).isEqualTo(2);

			// a body that cannot be read keeps the whole batch from being handled together, before any listener call
			MessageExt unreadable = message(topic, "e");
			unreadable.setBody("{not json".getBytes(StandardCharsets.UTF_8));
			int invocations = warehouse.invocations.get();
			assertThat(handler.handleTogether(List.of(message(topic, "c"), unreadable), MessageTracing.none()).outcomes())
				.isNull();
			assertThat(warehouse.invocations).hasValue(invocations);
			assertThat(inbox.count(group(context))).isEqualTo(2);
		});
	}

	@Test
	void aFailureAmongMessagesDeliveredTogetherHoldsBackNoneOfThem() {
		concurrent().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			warehouse.failuresLeft.set(1);
			TestOrders orders = context.getBean(TestOrders.class);
			// one transaction: the relay sends its rows as one batch to one queue, delivered together
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult((status) -> {
				for (int i = 0; i < 30; i++) {
					orders.place("sku-batch-" + i);
				}
			});
			await().atMost(WAIT).until(() -> context.getBean(InboxStore.class).count(group(context)) == 30);
			assertThat(warehouse.reservations()).isEqualTo(30);
			assertThat(warehouse.failuresLeft.get()).isNegative();
			assertThat(container(context).count(Outcome.PROCESSED)).isEqualTo(30);
			// a failure in a batch is no failure of a message: only one of a message handled alone would count
			assertThat(container(context).count(Outcome.FAILED)).isLessThanOrEqualTo(1);
		});
	}

	@Test
	void aListenerReturningAFutureStopsStartUpNamingTheMethod() {
		TestContexts.onSharedBroker().withUserConfiguration(FutureListenerConfig.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining(FutureListener.class.getName() + ".on")
				.hasMessageContaining("CompletableFuture");
		});
	}

	@Test
	void aListenerWithAnAbstractPayloadTypeStopsStartUpNamingTheMethod() {
		TestContexts.onSharedBroker().withUserConfiguration(AbstractPayloadListenerConfig.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining(AbstractPayloadListener.class.getName() + ".on")
				.hasMessageContaining("cannot be bound");
		});
	}

	@Test
	void expiredInboxRowsAreRemoved() {
		TestContexts.onSharedBroker().withPropertyValues("reliable-messaging.consumer.dedup-window=1h").run((context) -> {
			InboxStore inbox = context.getBean(InboxStore.class);
			TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			transactions.executeWithoutResult((status) -> {
				inbox.markProcessed("g", "old", "t");
				inbox.markProcessed("g", "new", "t");
			});
			new org.springframework.jdbc.core.JdbcTemplate(context.getBean(javax.sql.DataSource.class)).update(
					"UPDATE rm_inbox SET processed_at = ? WHERE message_id = 'old'",
					JdbcValues.timestamp(Instant.now().minus(Duration.ofHours(2))));
			assertThat(context.getBean(InboxCleanup.class).removeExpired()).isEqualTo(1);
			assertThat(inbox.count("g")).isEqualTo(1);
			transactions.executeWithoutResult((status) -> assertThat(inbox.markProcessed("g", "new", "t")).isFalse());
		});
	}

	private static ApplicationContextRunner concurrent() {
		return TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("warehouse"),
					"test.group=" + TestContexts.uniqueTopic("warehouse-group"));
	}

	private static String group(ApplicationContext context) {
		return context.getEnvironment().getProperty("test.group");
	}

	private static ListenerContainer container(ApplicationContext context) {
		return context.getBean(ReliableListeners.class).container(group(context));
	}

	private static DefaultMQProducer producer(ApplicationContext context) {
		return context.getBean(RocketMqAutoConfiguration.PRODUCER_BEAN, DefaultMQProducer.class);
	}

	/** A message of an outbox row, as the relay sends it, for an order with the given id. */
	private static MessageExt message(String topic, String orderId) {
		MessageExt message = new MessageExt();
		message.setTopic(topic);
		message.setBody(("{\"id\":\"" + orderId + "\",\"sku\":\"s\"}").getBytes(StandardCharsets.UTF_8));
		message.putUserProperty(MessageHeaders.MESSAGE_ID, "message-" + orderId);
		return message;
	}

	/** Sends the message of an outbox row again, as a relay does after losing its lease. */
	private static void resend(ApplicationContext context, String messageId, TestOrders.Order order) throws Exception {
		String topic = context.getEnvironment().getProperty("test.topic");
		byte[] body = ("{\"id\":\"" + order.id() + "\",\"sku\":\"" + order.sku() + "\"}").getBytes(StandardCharsets.UTF_8);
		OutboxRow row = new OutboxRow(1, messageId, topic, "placed", order.id(), null, Map.of(), body, 1, 0,
				Instant.now());
		assertThat(producer(context).send(RocketMqSender.toMessage(row)).getSendStatus().name()).isEqualTo("SEND_OK");
	}

	static class FutureListener {

		@ReliableListener(topic = "futures", consumerGroup = "futures")
		public CompletableFuture<Void> on(String payload) {
			return CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FutureListenerConfig {

		@Bean
		FutureListener futureListener() {
			return new FutureListener();
		}

	}

	interface Shape {

	}

	static class AbstractPayloadListener {

		@ReliableListener(topic = "shapes", consumerGroup = "shapes")
		public void on(Shape shape) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AbstractPayloadListenerConfig {

		@Bean
		AbstractPayloadListener abstractPayloadListener() {
			return new AbstractPayloadListener();
		}

	}

}
