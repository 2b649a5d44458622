package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.store.config.BrokerRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real SYNC_MASTER broker that cannot confirm replication answers a non-OK status, which the relay treats as a
 * failure of availability (the row waits as RETRYING, never DEAD) unless the application accepts it.
 */
class ReplicationStatusTests {

	private static EmbeddedRocketMq syncMaster;

	@BeforeAll
	static void startSyncMasterWithoutSlave() {
		syncMaster = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(SharedBroker.tempDir("sync-master"))
			.withStoreCustomizer((store) -> {
				store.setBrokerRole(BrokerRole.SYNC_MASTER);
				store.setTotalReplicas(2);
				store.setInSyncReplicas(2);
				store.setSyncFlushTimeout(300);
			})).start();
	}

	@AfterAll
	static void stop() {
		syncMaster.close();
	}

	@Test
	void unconfirmedReplicationKeepsRowsRetryingUnderTheDefaultPolicy() {
		String topic = TestContexts.uniqueTopic("sync");
		syncMaster.createTopic(topic, 4);
		runner().run((context) -> {
			OutboxTableProbe outbox = new OutboxTableProbe(context);
			outbox.publish(topic, 3, 3);
			await().atMost(Duration.ofSeconds(30)).until(() -> outbox.minAttempts() >= 2);
			List<Map<String, Object>> rows = outbox.rows();
			assertThat(rows).hasSize(3).allSatisfy((row) -> {
				assertThat(row.get("status")).isEqualTo("RETRYING");
				assertThat((String) row.get("last_error")).contains("FLUSH_SLAVE_TIMEOUT");
			});
		});
	}

	@Test
	void acceptingFlushSlaveTimeoutMarksTheRowsSent() {
		String topic = TestContexts.uniqueTopic("sync-accept");
		syncMaster.createTopic(topic, 4);
		runner().withPropertyValues("reliable-messaging.relay.accepted-send-statuses=SEND_OK,FLUSH_SLAVE_TIMEOUT",
				"reliable-messaging.relay.retention=1h")
			.run((context) -> {
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				outbox.publish(topic, 3, 3);
				await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("SENT") == 3);
				assertThat(outbox.rows()).allSatisfy((row) -> assertThat(row.get("attempts")).isEqualTo(0));
			});
	}

	@Test
	void unconfirmedReplicationNeverMakesARowDead() {
		String topic = TestContexts.uniqueTopic("sync-dead");
		syncMaster.createTopic(topic, 4);
		runner().withConfiguration(TestContexts.METRICS).withPropertyValues("reliable-messaging.relay.max-attempts=2")
			.run((context) -> {
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				outbox.publish(topic, 2, 2);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// twice max-attempts per row, every one of them answered FLUSH_SLAVE_TIMEOUT
				await().atMost(Duration.ofSeconds(60))
					.failFast("a row became DEAD", () -> outbox.count("DEAD") > 0)
					.until(() -> OperationsTests.counter(registry, "reliable.messaging.send.failures", "reason",
							"FLUSH_SLAVE_TIMEOUT") >= 8);
				assertThat(registry.find("reliable.messaging.dead").counters()).isEmpty();
				assertThat(registry.find("reliable.messaging.sent").counters()).isEmpty();
				assertThat(outbox.rows()).allSatisfy((row) -> assertThat(row.get("status")).isEqualTo("RETRYING"));
			});
	}

	private static org.springframework.boot.test.context.runner.ApplicationContextRunner runner() {
		return TestContexts.runner()
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + syncMaster.nameServerAddress(),
					"reliable-messaging.rocketmq.send-timeout=5s", "reliable-messaging.relay.poll-interval=100ms",
					"reliable-messaging.relay.backoff.initial=100ms", "reliable-messaging.relay.backoff.max=300ms");
	}

}
