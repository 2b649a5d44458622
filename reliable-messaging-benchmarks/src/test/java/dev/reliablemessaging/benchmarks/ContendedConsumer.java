package dev.reliablemessaging.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.reliablemessaging.OutboundMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A contended consumer workload, the warehouse's shape: each message updates two of three hot rows, in the order of
 * their names, so handlers are safe alone and deadlock when several messages share a transaction. Messages are
 * published by several threads at full speed while the listener runs; the round reports the listener's throughput,
 * the handler failures counted by its container, the handler calls beyond one per message and the commit-to-handler
 * latencies.
 */
final class ContendedConsumer {

	private static final int PUBLISHERS = 4;

	private static final List<String> HOT = List.of("apple", "banana", "cherry");

	private ContendedConsumer() {
	}

	/** One round's figures: messages per second, counted failures, extra handler calls, p50/p99/p99.9 in ms. */
	record Round(double perSecond, long failures, long extraCalls, double[] percentiles) {
	}

	static Round measure(String nameServer, TestDatabase database, int batchSize, int messages) {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String group = "bench-contended-" + suffix;
		Round[] round = new Round[1];
		TestContexts.runner()
			.withConfiguration(TestContexts.METRICS)
			.withPropertyValues(database.springProperties(database.freshSchemaUrl()))
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=30",
					"reliable-messaging.rocketmq.name-server=" + nameServer,
					"reliable-messaging.consumer.batch-size=" + batchSize, "bench.topic=bench-contended-" + suffix,
					"bench.group=" + group)
			.withBean(HotRows.class)
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					throw new IllegalStateException(context.getStartupFailure());
				}
				HotRows rows = context.getBean(HotRows.class);
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate transaction = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				String topic = context.getEnvironment().getRequiredProperty("bench.topic");
				publish(publisher, transaction, rows.receipts, topic, messages);
				await().atMost(Duration.ofMinutes(5)).until(() -> rows.applied() >= messages);
				Counter failed = context.getBean(MeterRegistry.class)
					.find("reliable.messaging.consumed")
					.tags("group", group, "outcome", "failed")
					.counter();
				assertThat(rows.applied()).as("messages applied").isEqualTo(messages);
				round[0] = new Round(rows.clock.perSecond(), (failed != null) ? (long) failed.count() : 0,
						rows.calls.get() - messages, rows.receipts.percentiles());
			});
		return round[0];
	}

	private static void publish(OutboxPublisher publisher, TransactionTemplate transaction, Receipts receipts,
			String topic, int messages) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(PUBLISHERS);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < PUBLISHERS; t++) {
				int first = t;
				done.add(threads.submit(() -> {
					for (int i = first; i < messages; i += PUBLISHERS) {
						String key = "m-" + i;
						transaction.executeWithoutResult((status) -> {
							publisher.publish(OutboundMessage.builder(topic).payload(key).key(key).build());
							TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
								@Override
								public void beforeCommit(boolean readOnly) {
									receipts.committing(key);
								}
							});
						});
					}
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			threads.shutdown();
		}
	}

	/** The listener: takes two of the hot rows, which two depends on the message, always in the order of names. */
	static final class HotRows {

		final Receipts receipts = new Receipts();

		final ConsumerThroughput.Clock clock = new ConsumerThroughput.Clock();

		final AtomicLong calls = new AtomicLong();

		private final JdbcTemplate jdbc;

		HotRows(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
			this.jdbc.execute("CREATE TABLE hot_stock (sku VARCHAR(20) PRIMARY KEY, taken INT NOT NULL)");
			this.jdbc.execute("CREATE TABLE contended_applied (message_key VARCHAR(64) PRIMARY KEY)");
			HOT.forEach((sku) -> this.jdbc.update("INSERT INTO hot_stock (sku, taken) VALUES (?, 0)", sku));
		}

		@ReliableListener(topic = "${bench.topic}", consumerGroup = "${bench.group}")
		public void on(String key) {
			this.calls.incrementAndGet();
			List<String> skus = new ArrayList<>(HOT);
			skus.remove(Math.floorMod(key.hashCode(), HOT.size()));
			for (String sku : skus) {
				this.jdbc.update("UPDATE hot_stock SET taken = taken + 1 WHERE sku = ?", sku);
			}
			this.jdbc.update("INSERT INTO contended_applied (message_key) VALUES (?)", key);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					HotRows.this.receipts.arrived(key);
					HotRows.this.clock.handled();
				}
			});
		}

		long applied() {
			return this.jdbc.queryForObject("SELECT COUNT(*) FROM contended_applied", Long.class);
		}

	}

}
