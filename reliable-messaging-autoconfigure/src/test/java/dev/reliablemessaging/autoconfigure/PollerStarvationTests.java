package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The poller reaches every due row however much fast-path traffic flows and however many rows a dead head holds
 * back: retries, delayed rows and rows written without a relay are sent.
 */
class PollerStarvationTests {

	private static final int HELD_BACK = 5_000;

	@Test
	void aDelayedRowBehindThousandsOfHeldBackRowsIsSentWhileTheFastPathIsBusy() {
		String topic = TestContexts.uniqueTopic("starved");
		String busy = TestContexts.uniqueTopic("busy");
		TestContexts.onSharedBroker()
			.withPropertyValues("reliable-messaging.rocketmq.topics=" + topic + "," + busy,
					// fast-path sends happen between any two polls
					"reliable-messaging.relay.poll-interval=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource dataSource = context.getBean(DataSource.class);
				holdBackBehindADeadHead(new JdbcTemplate(dataSource), topic);
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				AtomicBoolean traffic = new AtomicBoolean(true);
				AtomicInteger published = new AtomicInteger();
				Thread fastPathTraffic = new Thread(() -> {
					while (traffic.get()) {
						transactions.executeWithoutResult((s) -> publisher.publish(busy, "busy"));
						published.incrementAndGet();
					}
				});
				try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
					fastPathTraffic.start();
					String delayed = transactions.execute((s) -> publisher.publish(
							OutboundMessage.builder(topic).deliverAfter(Duration.ofMillis(200)).payload("delayed").build()));
					await().atMost(Duration.ofSeconds(30))
						.failFast("the fast-path traffic stopped", () -> !fastPathTraffic.isAlive())
						.until(() -> probe.countsByMessageId().containsKey(delayed));
				}
				finally {
					traffic.set(false);
					fastPathTraffic.join();
				}
				assertThat(published.get()).as("fast-path transactions while waiting").isGreaterThan(50);
			});
	}

	/** A DEAD head of one key and thousands of its pending followers, all older than anything published next. */
	private static void holdBackBehindADeadHead(JdbcTemplate jdbc, String topic) {
		Object past = JdbcValues.timestamp(Instant.now().minusSeconds(60));
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i <= HELD_BACK; i++) {
			rows.add(new Object[] { UUID.randomUUID().toString(), topic, "blocked-key", "held".getBytes(),
					(i == 0) ? "DEAD" : "PENDING", past, past });
		}
		jdbc.batchUpdate("INSERT INTO rm_outbox (message_id, topic, ordering_key, payload, status, attempts, "
				+ "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)", rows);
	}

}
