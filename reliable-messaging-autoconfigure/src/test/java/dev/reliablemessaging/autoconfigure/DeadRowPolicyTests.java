package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Only a refusal of the message itself makes a row DEAD. An outage drains when it ends however long it lasted:
 * failures that say nothing about the message (no route, refused connections, timeouts) never count, even after many
 * more attempts than max-attempts.
 */
class DeadRowPolicyTests {

	@Test
	void rowsWaitOutAnOutageLongerThanTheWholeBackoffScheduleAndAllArrive() {
		String topic = TestContexts.uniqueTopic("long-outage");
		try (EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(SharedBroker.tempDir("long-outage")))) {
			rocketMq.start();
			shortSchedule(rocketMq).withPropertyValues("reliable-messaging.rocketmq.topics=" + topic).run((context) -> {
				assertThat(context).hasNotFailed();
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				// the topic's route is known; then the broker goes: sends are refused or time out
				rocketMq.stopBroker();
				List<String> whileRouted = outbox.publish(topic, 20, 5);
				awaitManyMoreAttemptsThanAllowed(outbox);

				rocketMq.startBroker();
				try (BrokerProbe probe = BrokerProbe.consume(rocketMq.nameServerAddress(), topic)) {
					await().atMost(Duration.ofSeconds(90)).until(() -> outbox.total() == 0);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> probe.countsByMessageId().keySet().containsAll(whileRouted));
					assertThat(new HashSet<>(probe.countsByMessageId().keySet())).containsAll(whileRouted);
				}
			});
		}
	}

	@Test
	void rowsOfATopicWithNoRouteWaitForTheBrokerAndNeverBecomeDead() {
		String topic = TestContexts.uniqueTopic("no-route");
		try (EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(SharedBroker.tempDir("no-route")))) {
			rocketMq.startNameServer();
			shortSchedule(rocketMq).run((context) -> {
				assertThat(context).hasNotFailed();
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				List<String> published = outbox.publish(topic, 10, 5);
				awaitManyMoreAttemptsThanAllowed(outbox);

				rocketMq.startBroker();
				try (BrokerProbe probe = BrokerProbe.consume(rocketMq.nameServerAddress(), topic)) {
					await().atMost(Duration.ofSeconds(90))
						.until(() -> probe.countsByMessageId().keySet().containsAll(published));
				}
				assertThat(outbox.count("DEAD")).isZero();
			});
		}
	}

	@Test
	void aMessageTheBrokerRefusesBecomesDeadAfterMaxAttemptsAndIsCounted() {
		String topic = TestContexts.uniqueTopic("refused");
		try (EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(SharedBroker.tempDir("small"))
			.withStoreCustomizer((store) -> store.setMaxMessageSize(1024)))) {
			rocketMq.start();
			shortSchedule(rocketMq).withConfiguration(TestContexts.METRICS)
				.withPropertyValues("reliable-messaging.rocketmq.topics=" + topic)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					OutboxTableProbe outbox = new OutboxTableProbe(context);
					// within the starter's limit (4 MB), over the broker's (1 KB), and incompressible: the broker
					// refuses the message
					byte[] random = new byte[6000];
					new java.util.Random(7).nextBytes(random);
					String tooLarge = java.util.Base64.getEncoder().encodeToString(random);
					new TransactionTemplate(context.getBean(PlatformTransactionManager.class)).executeWithoutResult(
							(status) -> context.getBean(OutboxPublisher.class).publish(topic, tooLarge));
					await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("DEAD") == 1);
					assertThat(outbox.rows()).singleElement().satisfies((row) -> {
						assertThat(row.get("attempts")).isEqualTo(3);
						assertThat((String) row.get("last_error")).contains("MQBrokerException");
					});
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(OperationsTests.counter(registry, "reliable.messaging.dead", "topic", topic)).isEqualTo(1);
					assertThat(registry.find("reliable.messaging.sent").tag("topic", topic).counters()).isEmpty();
					assertThat(registry.get("reliable.messaging.outbox.dead").gauge().value()).isEqualTo(1);
				});
		}
	}

	private static void awaitManyMoreAttemptsThanAllowed(OutboxTableProbe outbox) {
		await().atMost(Duration.ofSeconds(60))
			.failFast("a row became DEAD during the outage", () -> outbox.count("DEAD") > 0)
			.until(() -> outbox.minAttempts() >= 6);
	}

	/**
	 * Three attempts before DEAD, retried within half a second: an outage of seconds outlasts the schedule. The broker
	 * is an embedded one: the starter creates the topics, once the broker is up.
	 */
	private static ApplicationContextRunner shortSchedule(EmbeddedRocketMq rocketMq) {
		return TestContexts.on(rocketMq.nameServerAddress())
			.withPropertyValues("reliable-messaging.rocketmq.send-timeout=1s", "reliable-messaging.relay.poll-interval=100ms",
					"reliable-messaging.relay.backoff.initial=100ms", "reliable-messaging.relay.backoff.max=500ms",
					"reliable-messaging.relay.max-attempts=3", "reliable-messaging.rocketmq.route-refresh-interval=1s");
	}

}
