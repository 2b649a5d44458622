package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.ops.ReliableMessagingEndpoint;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.apache.rocketmq.common.MixAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics, trace propagation and the actuator endpoint against the shared broker and H2.
 */
class OperationsTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void metricsCountAKnownWorkload() {
		// one message per transaction: a failure inside a batch is retried alone at once and is not a failure
		withWarehouse().withConfiguration(TestContexts.METRICS)
			.withPropertyValues("reliable-messaging.consumer.batch-size=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				TestWarehouse warehouse = context.getBean(TestWarehouse.class);
				String topic = topic(context);
				String group = group(context);
				warehouse.failuresLeft.set(1);
				TestOrders orders = context.getBean(TestOrders.class);
				for (int i = 0; i < 3; i++) {
					orders.place("sku-" + i);
				}
				await().atMost(WAIT).until(() -> warehouse.contexts.size() == 3);
				await().atMost(WAIT).until(() -> counter(registry, "reliable.messaging.consumed", "outcome", "processed") == 3);

				assertThat(counter(registry, "reliable.messaging.published", "topic", topic)).isEqualTo(3);
				assertThat(counter(registry, "reliable.messaging.sent", "topic", topic)).isEqualTo(3);
				assertThat(registry.get("reliable.messaging.send.latency").tag("topic", topic).timer().count())
					.isBetween(1L, 3L);
				assertThat(counter(registry, "reliable.messaging.consumed", "outcome", "failed")).isEqualTo(1);
				assertThat(registry.find("reliable.messaging.send.failures").counters()).isEmpty();
				assertThat(registry.get("reliable.messaging.end.to.end.latency")
					.tags("topic", topic, "group", group)
					.timer()
					.count()).isEqualTo(3);
				assertThat(registry.get("reliable.messaging.outbox.pending").gauge().value()).isZero();
				assertThat(registry.get("reliable.messaging.outbox.dead").gauge().value()).isZero();
				assertThat(registry.get("reliable.messaging.outbox.oldest.pending.age").gauge().value()).isZero();
			});
	}

	@Test
	void aMessageOutOfRedeliveriesIsCountedAndLoggedAsDeadLettered() {
		withWarehouse().withConfiguration(TestContexts.METRICS).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			warehouse.failuresLeft.set(Integer.MAX_VALUE);
			context.getBean(TestOrders.class).place("never");
			await().atMost(WAIT)
				.until(() -> counter(registry, "reliable.messaging.dead.lettered", "reason", "retries_exhausted") == 1);
			try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), MixAll.getDLQTopic(group(context)))) {
				await().atMost(WAIT).until(() -> probe.received().size() == 1);
			}
			assertThat(counter(registry, "reliable.messaging.consumed", "outcome", "failed")).isEqualTo(3);
		});
	}

	@Test
	void theHandlersSpanIsAChildOfThePublishersSpan() {
		SimpleTracer tracer = new SimpleTracer();
		withWarehouse().withBean(Tracer.class, () -> tracer).run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			Span publishing = tracer.nextSpan().name("place order").start();
			try (Tracer.SpanInScope scope = tracer.withSpan(publishing)) {
				context.getBean(TestOrders.class).place("traced");
			}
			finally {
				publishing.end();
			}
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);
			MessageContext delivered = warehouse.contexts.get(0);
			assertThat(delivered.headers().get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
			String processName = topic(context) + " process";
			await().atMost(WAIT)
				.until(() -> tracer.getSpans().stream().anyMatch((span) -> processName.equals(span.getName())));
			SimpleSpan handling = tracer.getSpans()
				.stream()
				.filter((span) -> processName.equals(span.getName()))
				.findFirst()
				.orElseThrow();
			assertThat(handling.getTraceId()).isEqualTo(publishing.context().traceId());
			assertThat(handling.getParentId()).isEqualTo(publishing.context().spanId());
			assertThat(handling.getSpanId()).isNotEqualTo(publishing.context().spanId());
			assertThat(handling.getTags()).containsEntry("messaging.consumer.group.name", group(context));
		});
	}

	@Test
	void theEndpointListsReplaysAndRemovesDeadRows() {
		withWarehouse().withPropertyValues("management.endpoints.web.exposure.include=reliablemessaging")
			.run((context) -> {
				assertThat(context).hasSingleBean(ReliableMessagingEndpoint.class);
				ReliableMessagingEndpoint endpoint = context.getBean(ReliableMessagingEndpoint.class);
				TestWarehouse warehouse = context.getBean(TestWarehouse.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				TestOrders orders = context.getBean(TestOrders.class);
				String first = deadRow(context, orders, "dead-1");
				String second = deadRow(context, orders, "dead-2");

				Map<String, Object> summary = endpoint.summary();
				assertThat(summary.get("outbox")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
					.containsEntry("dead", 2L)
					.containsEntry("pending", 0L);
				assertThat(summary.get("listeners")).asList().hasSize(1);
				@SuppressWarnings("unchecked")
				Map<String, Object> page = (Map<String, Object>) endpoint.section("dead", topic(context), 0, 1);
				assertThat((List<?>) page.get("rows")).singleElement()
					.extracting("messageId", "lastError", "attempts")
					.containsExactly(first, "broker answered FLUSH_DISK_TIMEOUT", 16);

				assertThat(endpoint.replay(List.of(first), null, null, null)).containsEntry("replayed", 1);
				await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);
				assertThat(warehouse.contexts.get(0).messageId()).isEqualTo(first);

				// a row older than the consumers' dedup window is replayed only when forced
				String old = deadRow(context, orders, "dead-old");
				jdbc.update("UPDATE rm_outbox SET created_at = ? WHERE message_id = ?",
						JdbcValues.timestamp(java.time.Instant.now().minus(Duration.ofDays(8))), old);
				org.assertj.core.api.Assertions.assertThatThrownBy(() -> endpoint.replay(List.of(old), null, null, null))
					.hasMessageContaining("dedup window")
					.hasMessageContaining("force=true");
				assertThat(endpoint.replay(List.of(old), null, true, null)).containsEntry("replayed", 1);
				await().atMost(WAIT).until(() -> warehouse.contexts.size() == 2);
				assertThat(endpoint.remove(second, null)).containsEntry("removed", true);
				assertThat(endpoint.remove(second, null)).containsEntry("removed", false);
				await().atMost(WAIT).until(() -> context.getBean(OutboxAdmin.class).backlog().pending() == 0);
				assertThat(context.getBean(OutboxAdmin.class).countByStatus().values()).allMatch((n) -> n == 0);
			});
	}

	@Test
	void theEndpointReportsTheBrokersDurability() throws Exception {
		withWarehouse().withPropertyValues("management.endpoints.web.exposure.include=reliablemessaging")
			.run((context) -> {
				@SuppressWarnings("unchecked")
				Map<String, Object> brokers = (Map<String, Object>) context.getBean(ReliableMessagingEndpoint.class)
					.section("brokers", null, null, null);
				assertThat(brokers).containsEntry("zeroLossOnCrash", true);
				assertThat((List<?>) brokers.get("brokers")).singleElement()
					.extracting("flushDiskType", "brokerRole", "risk")
					.containsExactly("SYNC_FLUSH", "ASYNC_MASTER", null);
			});
	}

	/** A row published with a delay, then marked DEAD as the relay does after its last attempt. */
	private static String deadRow(ApplicationContext context, TestOrders orders, String sku) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		new org.springframework.transaction.support.TransactionTemplate(
				context.getBean(org.springframework.transaction.PlatformTransactionManager.class))
			.executeWithoutResult((status) -> context.getBean(dev.reliablemessaging.OutboxPublisher.class)
				.publish(dev.reliablemessaging.OutboundMessage.builder(topic(context))
					.key(sku)
					.payload(new TestOrders.Order(sku, sku))
					.deliverAfter(Duration.ofHours(1))
					.build()));
		jdbc.update("UPDATE rm_outbox SET status = 'DEAD', attempts = 16, last_error = ? WHERE message_key = ?",
				"broker answered FLUSH_DISK_TIMEOUT", sku);
		return jdbc.queryForObject("SELECT message_id FROM rm_outbox WHERE message_key = ?", String.class, sku);
	}

	static double counter(MeterRegistry registry, String name, String tag, String value) {
		return registry.find(name).tag(tag, value).counters().stream().mapToDouble((c) -> c.count()).sum();
	}

	private static ApplicationContextRunner withWarehouse() {
		return TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("ops"),
					"test.group=" + TestContexts.uniqueTopic("ops-group"));
	}

	private static String topic(ApplicationContext context) {
		return context.getEnvironment().getProperty("test.topic");
	}

	private static String group(ApplicationContext context) {
		return context.getEnvironment().getProperty("test.group");
	}

}
