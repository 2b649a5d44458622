package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.reliablemessaging.IdempotentConsumer;
import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin;
import dev.reliablemessaging.autoconfigure.outbox.OutboxStatus;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @IdempotentConsumer} runs a method once per key, and again after a failure rolled back; its default
 * namespace tells methods apart, and a method that takes a {@link MessageExt} is keyed on the message's dedup key,
 * which survives a resend or a replay of an outbox row.
 */
class IdempotentConsumerTests {

	@Test
	void runsOncePerKeyAndAgainAfterAFailure() {
		TestContexts.onSharedBroker().withUserConfiguration(Config.class).run((context) -> {
			PaymentHandler handler = context.getBean(PaymentHandler.class);
			assertThat(handler.handle("m-1", false)).isEqualTo("handled m-1");
			assertThat(handler.handle("m-1", false)).isNull();
			assertThat(handler.calls()).isEqualTo(1);

			assertThatThrownBy(() -> handler.handle("m-2", true)).isInstanceOf(IllegalStateException.class);
			assertThat(handler.handle("m-2", false)).isEqualTo("handled m-2");
			assertThat(handler.calls()).isEqualTo(3);
			assertThat(context.getBean(InboxStore.class).count("payments")).isEqualTo(2);
		});
	}

	@Test
	void overloadsHaveNamespacesOfTheirOwn() {
		TestContexts.onSharedBroker().withUserConfiguration(Config.class).run((context) -> {
			Refunds refunds = context.getBean(Refunds.class);
			refunds.refund("r-1");
			refunds.refund(Integer.valueOf(1));
			assertThat(refunds.calls()).isEqualTo(2);
			refunds.refund("r-1");
			assertThat(refunds.calls()).isEqualTo(2);
		});
	}

	/**
	 * The default namespace and the stored form of keys are part of what an inbox row means: a change would make
	 * every row written before it invisible, and a redelivery after an upgrade would run again. They never change
	 * without a migration or a setting that keeps old rows matching; this pins them.
	 */
	@Test
	void theDefaultNamespaceAndTheStoredKeyFormAreStable() {
		TestContexts.onSharedBroker().withUserConfiguration(Config.class).run((context) -> {
			context.getBean(Refunds.class).refund("r-9");
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
			assertThat(jdbc.queryForList("SELECT consumer_group FROM rm_inbox WHERE message_id = 'same-key'",
					String.class))
				.containsExactly("dev.reliablemessaging.autoconfigure.consumer.IdempotentConsumerTests$Refunds"
						+ "#refund(java.lang.String)");
		});
		assertThat(InboxKeys.stored("plain-key-1")).isEqualTo("plain-key-1");
		assertThat(InboxKeys.stored("a key with spaces"))
			.isEqualTo("~" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sha256Utf16("a key with spaces")));
		assertThat(InboxKeys.stored("x".repeat(129))).startsWith("~").hasSize(44);
	}

	private static byte[] sha256Utf16(String value) {
		try {
			return java.security.MessageDigest.getInstance("SHA-256")
				.digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_16BE));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aMethodWithoutKeyOrMessageStopsStartUp() {
		TestContexts.onSharedBroker().withUserConfiguration(KeylessConfig.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("has no key");
		});
	}

	@Test
	void aReplayedOutboxRowReachingAConsumerOfYourOwnIsADuplicate() throws Exception {
		String topic = TestContexts.uniqueTopic("own-consumer");
		TestContexts.onSharedBroker()
			.withUserConfiguration(Config.class)
			.withPropertyValues("reliable-messaging.relay.retention=1h", "reliable-messaging.rocketmq.topics=" + topic)
			.run((context) -> {
				OwnConsumer handler = context.getBean(OwnConsumer.class);
				AtomicInteger deliveries = new AtomicInteger();
				DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("own-" + UUID.randomUUID().toString().substring(0, 8));
				consumer.setNamesrvAddr(SharedBroker.nameServer());
				consumer.setInstanceName("own-" + UUID.randomUUID());
				consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
				consumer.subscribe(topic, "*");
				consumer.registerMessageListener((MessageListenerConcurrently) (messages, ctx) -> {
					messages.forEach((message) -> {
						deliveries.incrementAndGet();
						handler.handle(message);
					});
					return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
				});
				consumer.start();
				try {
					String messageId = new OutboxTableProbe(context).publish(topic, 1, 1).get(0);
					await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.get() == 1);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> context.getBean(OutboxAdmin.class).countByStatus().get(OutboxStatus.SENT) == 1);
					assertThat(context.getBean(OutboxAdmin.class).replay(List.of(messageId), false)).isEqualTo(1);
					await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.get() == 2);
					assertThat(handler.handled()).containsExactly(messageId);
				}
				finally {
					consumer.shutdown();
				}
			});
	}

	static class PaymentHandler {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@IdempotentConsumer(key = "#messageId", consumerGroup = "payments")
		public String handle(String messageId, boolean fail) {
			this.calls.incrementAndGet();
			if (fail) {
				throw new IllegalStateException("payment failed");
			}
			return "handled " + messageId;
		}

	}

	static class Refunds {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@IdempotentConsumer(key = "'same-key'")
		public void refund(String id) {
			this.calls.incrementAndGet();
		}

		@IdempotentConsumer(key = "'same-key'")
		public void refund(Integer id) {
			this.calls.incrementAndGet();
		}

	}

	/** The handler of a consumer of the application's own, keyed on the dedup key of the message it receives. */
	static class OwnConsumer {

		private final List<String> handled = new CopyOnWriteArrayList<>();

		public List<String> handled() {
			return List.copyOf(this.handled);
		}

		@IdempotentConsumer
		public void handle(MessageExt message) {
			this.handled.add(message.getUserProperty(MessageHeaders.MESSAGE_ID));
		}

	}

	static class Keyless {

		@IdempotentConsumer
		public void on(String text) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		PaymentHandler paymentHandler() {
			return new PaymentHandler();
		}

		@Bean
		Refunds refunds() {
			return new Refunds();
		}

		@Bean
		OwnConsumer ownConsumer() {
			return new OwnConsumer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class KeylessConfig {

		@Bean
		Keyless keyless() {
			return new Keyless();
		}

	}

}
