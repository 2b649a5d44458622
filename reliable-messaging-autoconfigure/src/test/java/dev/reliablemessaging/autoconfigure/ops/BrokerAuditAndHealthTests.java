package dev.reliablemessaging.autoconfigure.ops;

import java.time.Duration;

import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durability audit against a real ASYNC_FLUSH broker (the shared broker is SYNC_FLUSH), and the health
 * indicator while that broker stops and starts again.
 */
@ExtendWith(OutputCaptureExtension.class)
class BrokerAuditAndHealthTests {

	private static EmbeddedRocketMq asyncFlush;

	@BeforeAll
	static void startAsyncFlushBroker() {
		asyncFlush = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(SharedBroker.tempDir("async-flush"))
			.withFlushDiskType(FlushDiskType.ASYNC_FLUSH)).start();
	}

	@AfterAll
	static void stop() {
		asyncFlush.close();
	}

	@Test
	void anAsyncFlushBrokerIsNamedInAWarningThatSaysWhatToSet(CapturedOutput output) {
		TestContexts.on(asyncFlush.nameServerAddress())
			.withPropertyValues("reliable-messaging.rocketmq.topics=audited")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("has flushDiskType=ASYNC_FLUSH and brokerRole=ASYNC_MASTER")
					.contains("a crash of its machine loses every acknowledged message not yet flushed")
					.contains("Set flushDiskType=SYNC_FLUSH");
			});
	}

	@Test
	void failModeRefusesToStartOnAnAsyncFlushBroker() {
		TestContexts.runner()
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + asyncFlush.nameServerAddress(),
					"reliable-messaging.rocketmq.durability-check=fail")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("flushDiskType=ASYNC_FLUSH")
					.hasMessageContaining("durability-check=fail");
			});
	}

	@Test
	void aSyncFlushBrokerPassesTheAuditEvenInFailMode(CapturedOutput output) {
		TestContexts.onSharedBroker()
			.withPropertyValues("reliable-messaging.rocketmq.durability-check=fail")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("flushDiskType=ASYNC_FLUSH");
			});
	}

	@Test
	void healthGoesDownWhileTheBrokerIsStoppedAndUpWhenItIsBack() {
		TestContexts.runner()
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + asyncFlush.nameServerAddress(),
					"reliable-messaging.rocketmq.durability-check=off",
					"reliable-messaging.health.broker-unreachable-threshold=1s")
			.run((context) -> {
				ReliableMessagingHealthIndicator health = context.getBean(ReliableMessagingHealthIndicator.class);
				Health up = health.health();
				assertThat(up.getStatus()).isEqualTo(Status.UP);
				assertThat(up.getDetails()).containsEntry("broker", "reachable").containsEntry("longestWait", "0.0s");
				asyncFlush.stopBroker();
				try {
					await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.DOWN));
					assertThat(health.health().getDetails().get("broker").toString()).startsWith("unreachable for");
				}
				finally {
					asyncFlush.startBroker();
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
			});
	}

	@Test
	void healthGoesDownWhenTheOldestPendingRowIsTooOld() {
		TestContexts.onSharedBroker()
			.withPropertyValues("reliable-messaging.health.pending-age-threshold=1s")
			.run((context) -> {
				ReliableMessagingHealthIndicator health = context.getBean(ReliableMessagingHealthIndicator.class);
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				// a row that has waited ten minutes for the broker, next attempt in an hour
				java.time.Instant now = java.time.Instant.now();
				new org.springframework.jdbc.core.JdbcTemplate(context.getBean(javax.sql.DataSource.class)).update(
						"INSERT INTO rm_outbox (message_id, topic, payload, status, attempts, next_attempt_at, created_at) "
								+ "VALUES ('stuck', 'nowhere', X'00', 'RETRYING', 3, ?, ?)",
						JdbcValues.timestamp(now.plus(Duration.ofHours(1))),
						JdbcValues.timestamp(now.minus(Duration.ofMinutes(10))));
				assertThat(outbox.count("RETRYING")).isEqualTo(1);
				Health down = health.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails()).containsKey("longestWait").containsKey("pendingAgeThreshold");
			});
	}

	@Test
	void aMessageScheduledForLaterIsPlannedWorkNotStuckWork() {
		TestContexts.onSharedBroker()
			.withPropertyValues("reliable-messaging.health.pending-age-threshold=1s")
			.run((context) -> {
				ReliableMessagingHealthIndicator health = context.getBean(ReliableMessagingHealthIndicator.class);
				new org.springframework.transaction.support.TransactionTemplate(
						context.getBean(org.springframework.transaction.PlatformTransactionManager.class))
					.executeWithoutResult((status) -> context.getBean(dev.reliablemessaging.OutboxPublisher.class)
						.publish(dev.reliablemessaging.OutboundMessage.builder("later")
							.deliverAfter(Duration.ofMinutes(10))
							.payload("reminder")
							.build()));
				java.time.Instant published = java.time.Instant.now();
				await("three threshold lengths").atMost(Duration.ofSeconds(10))
					.until(() -> Duration.between(published, java.time.Instant.now()).toMillis() > 3_000);
				Health health3s = health.health();
				assertThat(health3s.getStatus()).as(health3s.getDetails().toString()).isEqualTo(Status.UP);
			});
	}

}
