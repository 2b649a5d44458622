package dev.reliablemessaging.autoconfigure.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.reliablemessaging.PayloadCodec;
import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transient is not poison: a body that cannot be read now (the codec's key service is down) is retried like a
 * failed handler, a processed message that comes back with a body that cannot be read is a duplicate, and only what
 * can never be read goes to the dead-letter queue, with its reason.
 */
class ConsumerBodyTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void aCodecThatFailsForAWhileDelaysTheMessageAndNothingGoesToTheDeadLetterQueue() {
		FlakyCodec codec = new FlakyCodec(2);
		warehouse().withBean(PayloadCodec.class, () -> codec).run((context) -> {
			assertThat(context).hasNotFailed();
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			context.getBean(TestOrders.class).place("sku-flaky");
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);
			assertThat(codec.failures).hasValue(0);
			assertThat(warehouse.contexts.get(0).reconsumeTimes()).isEqualTo(2);
			assertThat(container(context).count(Outcome.UNREADABLE)).isZero();
			assertThat(container(context).count(Outcome.FAILED)).isEqualTo(2);
			assertThat(warehouse.reservations()).isEqualTo(1);
		});
	}

	@Test
	void aProcessedMessageThatComesBackUnreadableIsAcknowledgedAsADuplicate() throws Exception {
		warehouse().run((context) -> {
			TestWarehouse warehouse = context.getBean(TestWarehouse.class);
			context.getBean(TestOrders.class).place("sku-once");
			await().atMost(WAIT).until(() -> warehouse.contexts.size() == 1);
			String messageId = warehouse.contexts.get(0).messageId();

			// the same message id again, with a body this version cannot read (a producer of another version)
			Message again = new Message(topic(context), "{not json".getBytes(StandardCharsets.UTF_8));
			again.putUserProperty(MessageHeaders.MESSAGE_ID, messageId);
			producer(context).send(again);
			await().atMost(WAIT).until(() -> container(context).count(Outcome.DUPLICATE) == 1);
			assertThat(container(context).count(Outcome.UNREADABLE)).isZero();
			assertThat(warehouse.invocations).hasValue(1);
		});
	}

	@Test
	void aBodyThatCanNeverBeReadIsStoredInTheDeadLetterQueueWithItsReason() throws Exception {
		warehouse().run((context) -> {
			try (BrokerProbe dlq = BrokerProbe.consume(SharedBroker.nameServer(), MixAll.getDLQTopic(group(context)))) {
				producer(context).send(new Message(topic(context), "[1, 2, 3]".getBytes(StandardCharsets.UTF_8)));
				await().atMost(WAIT).until(() -> dlq.received().size() == 1);
				MessageExt dead = dlq.received().get(0);
				assertThat(BrokerProbe.body(dead)).isEqualTo("[1, 2, 3]");
				assertThat(dead.getUserProperty(MessageHeaders.DEAD_LETTER_REASON)).isEqualTo("unreadable");
			}
			assertThat(container(context).count(Outcome.UNREADABLE)).isEqualTo(1);
		});
	}

	private static org.springframework.boot.test.context.runner.ApplicationContextRunner warehouse() {
		return TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("bodies"),
					"test.group=" + TestContexts.uniqueTopic("bodies-group"));
	}

	private static String topic(ApplicationContext context) {
		return context.getEnvironment().getProperty("test.topic");
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

	/** A codec that passes bodies through but fails to decode the first few, as one whose key service is down. */
	static final class FlakyCodec implements PayloadCodec {

		final AtomicInteger failures;

		FlakyCodec(int failures) {
			this.failures = new AtomicInteger(failures);
		}

		@Override
		public byte[] encode(String topic, byte[] body) {
			return body;
		}

		@Override
		public byte[] decode(String topic, byte[] body) {
			if (this.failures.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				throw new IllegalStateException("the key service is not answering");
			}
			return body;
		}

	}

}
