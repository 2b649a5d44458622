package dev.reliablemessaging.autoconfigure.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener's failed messages reach their redelivery and their dead-letter queue on brokers shaped as production
 * runs them: no automatic topic creation (topics are provisioned by an operator), and access control with grants an
 * application's user ordinarily has (publish on its topics, subscribe on its topics and its consumer group).
 */
class ProductionShapedBrokerTests {

	private static final String APP = "app-user";

	private static final String APP_SECRET = "app-secret-" + System.nanoTime();

	private static final String OPERATOR = "operator";

	private static final String OPERATOR_SECRET = "operator-secret-" + System.nanoTime();

	private static EmbeddedRocketMq provisioned;

	private static EmbeddedRocketMq withAcl;

	@BeforeAll
	static void startBrokers() {
		provisioned = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(SharedBroker.tempDir("provisioned")).withAutoCreateTopics(false)).start();
		withAcl = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(SharedBroker.tempDir("acl"))
			.withAutoCreateTopics(false)
			.withUsers(Map.of(APP, APP_SECRET, OPERATOR, OPERATOR_SECRET))
			.withGrants(Map.of(APP, List.of("Topic:acl-*=PUB,SUB", "Group:acl-*=SUB"), OPERATOR,
					List.of("Topic:*=ALL", "Group:*=ALL")))).start();
	}

	@AfterAll
	static void stopBrokers() {
		provisioned.close();
		withAcl.close();
	}

	@Test
	void failedAndUnreadableMessagesReachTheDeadLetterQueueOfABrokerThatCreatesNoTopics() {
		String topic = TestContexts.uniqueTopic("provisioned");
		String group = TestContexts.uniqueTopic("provisioned-group");
		provisioned.createTopic(topic, 4);
		runner(provisioned.nameServerAddress(), topic, group).run((context) -> {
			assertThat(context).hasNotFailed();
			try (BrokerProbe dlq = BrokerProbe.consume(provisioned.nameServerAddress(), MixAll.getDLQTopic(group))) {
				publish(context, topic, new Payload("fails"));
				send(provisioned.nameServerAddress(), null, topic, "not json");
				await("both messages in " + MixAll.getDLQTopic(group)).atMost(Duration.ofSeconds(30))
					.until(() -> dlq.received().size() >= 2);
				assertThat(dlq.received()).extracting((m) -> m.getUserProperty(MessageHeaders.DEAD_LETTER_REASON))
					.contains("retries_exhausted", "unreadable");
			}
		});
	}

	@Test
	void manyUnreadableMessagesDoNotTakeEveryConsumeThread() {
		String topic = TestContexts.uniqueTopic("provisioned-many");
		String group = TestContexts.uniqueTopic("provisioned-many-group");
		provisioned.createTopic(topic, 4);
		runner(provisioned.nameServerAddress(), topic, group).withPropertyValues("reliable-messaging.consumer.threads=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				for (int i = 0; i < 8; i++) {
					send(provisioned.nameServerAddress(), null, topic, "not json " + i);
				}
				publish(context, topic, new Payload("good"));
				FailingListener listener = context.getBean(FailingListener.class);
				await("the good message behind eight unreadable ones").atMost(Duration.ofSeconds(30))
					.until(() -> listener.handled.contains("good"));
			});
	}

	@Test
	void underAccessControlAFailedMessageIsRedeliveredThenDeadLetteredWithTheGrantsOfAnOrdinaryConsumer() {
		String topic = TestContexts.uniqueTopic("acl-orders");
		String group = TestContexts.uniqueTopic("acl-warehouse");
		withAcl.createTopic(topic, 4);
		runner(withAcl.nameServerAddress(), topic, group, ListeningWithARedelivery.class)
			.withPropertyValues("reliable-messaging.rocketmq.access-key=" + APP,
					"reliable-messaging.rocketmq.secret-key=" + APP_SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recording listener = context.getBean(Recording.class);
				try (BrokerProbe dlq = BrokerProbe.consume(withAcl.nameServerAddress(), MixAll.getDLQTopic(group),
						OPERATOR, OPERATOR_SECRET)) {
					publish(context, topic, new Payload("fails"));
					await("a redelivery").atMost(Duration.ofSeconds(30)).until(() -> listener.attempts.size() >= 2);
					await("the dead letter").atMost(Duration.ofSeconds(30)).until(() -> dlq.received().size() == 1);
					assertThat(listener.attempts).hasSize(2);
				}
			});
	}

	private static ApplicationContextRunner runner(String nameServer, String topic, String group) {
		return runner(nameServer, topic, group, Listening.class);
	}

	private static ApplicationContextRunner runner(String nameServer, String topic, String group,
			Class<?> listening) {
		return TestContexts.runner()
			.withUserConfiguration(listening)
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + nameServer,
					"reliable-messaging.rocketmq.route-refresh-interval=1s", "test.topic=" + topic, "test.group=" + group,
					"reliable-messaging.relay.poll-interval=100ms");
	}

	private static void publish(ApplicationContext context, String topic, Payload payload) {
		new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult(
				(status) -> context.getBean(OutboxPublisher.class).publish(topic, payload));
	}

	/** Sends a body directly, as another producer would. */
	static void send(String nameServer, String[] credentials, String topic, String body) {
		DefaultMQProducer producer = (credentials != null)
				? new DefaultMQProducer("direct-sender",
						new AclClientRPCHook(new SessionCredentials(credentials[0], credentials[1])))
				: new DefaultMQProducer("direct-sender");
		producer.setNamesrvAddr(nameServer);
		producer.setInstanceName("direct-sender-" + System.nanoTime());
		try {
			producer.start();
			producer.send(new Message(topic, body.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			producer.shutdown();
		}
	}

	public record Payload(String name) {
	}

	/** Fails every message but the one named "good"; the dead-letter queue at once. */
	public static class FailingListener extends Recording {

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}", maxReconsumeTimes = 0)
		public void on(Payload payload, MessageContext context) {
			handle(payload);
		}

	}

	/** Records every attempt and fails every message but the one named "good". */
	public abstract static class Recording {

		final List<String> attempts = new CopyOnWriteArrayList<>();

		final List<String> handled = new CopyOnWriteArrayList<>();

		void handle(Payload payload) {
			this.attempts.add(payload.name());
			if (!payload.name().equals("good")) {
				throw new IllegalStateException("cannot handle " + payload.name());
			}
			this.handled.add(payload.name());
		}

	}

	/** Fails every message but "good", with one redelivery before the dead-letter queue. */
	public static class OnceRetriedListener extends Recording {

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}", maxReconsumeTimes = 1)
		public void on(Payload payload, MessageContext context) {
			handle(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listening {

		@Bean
		FailingListener failingListener() {
			return new FailingListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListeningWithARedelivery {

		@Bean
		OnceRetriedListener onceRetriedListener() {
			return new OnceRetriedListener();
		}

	}

}
