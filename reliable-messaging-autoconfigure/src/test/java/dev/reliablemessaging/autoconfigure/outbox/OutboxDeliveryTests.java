package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.ops.MicrometerMessagingMetrics;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.common.message.MessageExt;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.IllegalTransactionStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a committed or rolled-back business transaction puts on a real broker.
 */
class OutboxDeliveryTests {

	@Test
	void committedTransactionPutsExactlyOneMessageWithItsIdsAndRollbackPutsNone() {
		String topic = TestContexts.uniqueTopic("orders");
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class)
			.withPropertyValues("test.topic=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestOrders orders = context.getBean(TestOrders.class);
				OutboxAdmin store = context.getBean(OutboxAdmin.class);
				try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
					assertThatThrownBy(() -> orders.placeThenFail("rolled-back"))
						.isInstanceOf(IllegalStateException.class);
					assertThat(store.countByStatus().values()).allMatch((count) -> count == 0);
					TestOrders.Order order = orders.place("committed");
					await().atMost(Duration.ofSeconds(30)).until(() -> !probe.received().isEmpty());
					await().atMost(Duration.ofSeconds(10))
						.until(() -> store.countByStatus().get(OutboxStatus.PENDING) == 0);
					MessageExt message = probe.received().get(0);
					String messageId = message.getUserProperty(MessageHeaders.MESSAGE_ID);
					assertThat(messageId).hasSize(36);
					assertThat(message.getKeys().split(" ")).containsExactly(messageId, order.id());
					assertThat(message.getTags()).isEqualTo("placed");
					assertThat(BrokerProbe.body(message)).contains(order.id()).contains("committed")
						.doesNotContain("rolled-back");
					assertThat(probe.received()).hasSize(1);
					assertThat(orders.orderCount()).isEqualTo(1);
				}
			});
	}

	@Test
	void conditionAndTagTemplateAreEvaluatedPerCall() {
		String topic = TestContexts.uniqueTopic("express");
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class)
			.withPropertyValues("test.topic=" + topic, "reliable-messaging.relay.enabled=false")
			.run((context) -> {
				TestOrders orders = context.getBean(TestOrders.class);
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				orders.placeIf("slow", false);
				assertThat(outbox.total()).isZero();
				TestOrders.Order express = orders.placeIf("fast", true);
				assertThat(outbox.total()).isEqualTo(1);
				OutboxRow row = context.getBean(OutboxClaims.class)
					.claimDue("test", 10, java.time.Duration.ofSeconds(30))
					.rows()
					.get(0);
				assertThat(row.tag()).isEqualTo("FAST");
				assertThat(row.key()).isEqualTo(express.id());
				assertThat(row.topic()).isEqualTo(topic);
			});
	}

	@Test
	void theFastPathSendsManySmallTransactionsTogether() {
		String topic = TestContexts.uniqueTopic("small-transactions");
		TestContexts.onSharedBroker()
			.withConfiguration(TestContexts.METRICS)
			.withUserConfiguration(TestOrders.Config.class)
			// the poller waits five seconds: longer than the publishing takes, so the fast path sends nearly all;
			// it is still there for a send the broker turned down on a busy machine
			.withPropertyValues("test.topic=" + topic, "reliable-messaging.relay.poll-interval=5s",
					"reliable-messaging.relay.backoff.initial=100ms")
			.run((context) -> {
				TestOrders orders = context.getBean(TestOrders.class);
				try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
					ExecutorService publishers = Executors.newFixedThreadPool(8);
					for (int i = 0; i < 200; i++) {
						String sku = "small-" + i;
						publishers.execute(() -> orders.place(sku));
					}
					publishers.shutdown();
					assertThat(publishers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
					try {
						await().atMost(Duration.ofSeconds(60)).until(() -> probe.countsByMessageId().size() == 200);
					}
					catch (ConditionTimeoutException ex) {
						throw new AssertionError("rows " + new OutboxTableProbe(context).rows() + "; probe "
								+ probe.describe(), ex);
					}
					assertThat(probe.received()).hasSize(200);
					long sends = context.getBean(MeterRegistry.class)
						.get(MicrometerMessagingMetrics.SEND_LATENCY)
						.tag("topic", topic)
						.timer()
						.count();
					// rows of transactions that committed while a send was under way went out together
					assertThat(sends).isLessThan(100);
				}
			});
	}

	@Test
	void publishingWithoutTransactionFailsBeforeTheMethodRuns() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("no-tx"))
			.run((context) -> {
				OutboxAdmin store = context.getBean(OutboxAdmin.class);
				assertThatThrownBy(() -> context.getBean(dev.reliablemessaging.OutboxPublisher.class)
					.publish("some-topic", "payload")).isInstanceOf(IllegalTransactionStateException.class)
					.hasMessageContaining("'some-topic'")
					.hasMessageContaining("without an active transaction");
				assertThat(store.countByStatus()).containsEntry(OutboxStatus.PENDING, 0L);
			});
	}

	@Test
	void tooLargeOrUnserializablePayloadFailsThePublishAndTheTransaction() {
		String topic = TestContexts.uniqueTopic("large");
		System.setProperty("test.topic.direct", topic);
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class)
			.withPropertyValues("test.topic=" + topic, "reliable-messaging.rocketmq.max-message-size=1KB")
			.run((context) -> {
				TestOrders orders = context.getBean(TestOrders.class);
				assertThatThrownBy(() -> orders.publishDirectly(new byte[2048]))
					.isInstanceOf(dev.reliablemessaging.ReliableMessagingException.class)
					.hasMessageContaining("'" + topic + "'")
					.hasMessageContaining("2048 bytes")
					.hasMessageContaining("1024 bytes");
				assertThatThrownBy(() -> orders.publishDirectly(new Unserializable()))
					.isInstanceOf(dev.reliablemessaging.ReliableMessagingException.class)
					.hasMessageContaining("'" + topic + "'")
					.hasMessageContaining("cannot be serialized");
				Map<OutboxStatus, Long> counts = context.getBean(OutboxAdmin.class).countByStatus();
				assertThat(counts.values()).allMatch((count) -> count == 0);
			});
	}

	static class Unserializable {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

}
