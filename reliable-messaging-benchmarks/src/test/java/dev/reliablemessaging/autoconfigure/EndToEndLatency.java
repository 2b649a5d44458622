package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.awaitility.Awaitility.await;

/**
 * Commit-to-handler latency through the whole starter: business transactions that insert a row and publish, offered
 * at a fixed rate whatever the latency (open loop), and a {@code @ReliableListener} in the same JVM that notes when
 * each message reaches it. Both clocks are the same {@link System#nanoTime()}.
 */
final class EndToEndLatency {

	private static final int PUBLISHING_THREADS = 16;

	private EndToEndLatency() {
	}

	/**
	 * Starts the starter on the broker and database, offers a warm-up round and then {@code rounds} rounds of
	 * {@code perSecond} transactions for {@code length} each, and hands each round's p50, p99 and p99.9 (ms) and
	 * achieved rate to {@code sink}.
	 */
	static void measure(String nameServer, TestDatabase database, boolean fastPath, int perSecond, Duration length,
			int rounds, RoundSink sink) {
		Probe probe = new Probe();
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		TestContexts.runner()
			.withPropertyValues("spring.datasource.url=" + database.freshSchemaUrl(),
					"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
					"spring.datasource.hikari.maximum-pool-size=" + (PUBLISHING_THREADS + 10),
					"spring.application.name=bench", "reliable-messaging.rocketmq.name-server=" + nameServer,
					"reliable-messaging.relay.send-after-commit=" + fastPath, "bench.topic=bench-latency-" + suffix,
					"bench.group=bench-latency-" + suffix)
			.withBean(Probe.class, () -> probe)
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					throw new IllegalStateException(context.getStartupFailure());
				}
				new JdbcTemplate(context.getBean(DataSource.class))
					.execute("CREATE TABLE bench_orders (id VARCHAR(36) PRIMARY KEY, sku VARCHAR(64), quantity INT)");
				String topic = context.getEnvironment().getRequiredProperty("bench.topic");
				offer(context, probe, topic, perSecond, length); // warm-up
				for (int round = 0; round < rounds; round++) {
					double seconds = offer(context, probe, topic, perSecond, length);
					sink.accept(probe.percentiles(), probe.count() / seconds);
				}
			});
	}

	/** Offers one round and waits until every message of it reached the handler; returns the round's seconds. */
	private static double offer(ApplicationContext context, Probe probe, String topic, int perSecond,
			Duration length) {
		probe.reset();
		OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
		JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
		TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		ExecutorService workers = Executors.newFixedThreadPool(PUBLISHING_THREADS);
		long count = perSecond * length.toSeconds();
		long period = 1_000_000_000L / perSecond;
		long started = System.nanoTime();
		for (long i = 0; i < count; i++) {
			long due = started + i * period;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			workers.execute(() -> {
				String id = UUID.randomUUID().toString();
				transactions.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO bench_orders (id, sku, quantity) VALUES (?, ?, ?)", id, "apple", 1);
					publisher.publish(OutboundMessage.builder(topic).key(id).payload(Map.of("id", id)).build());
					probe.committing(id);
				});
			});
		}
		workers.shutdown();
		try {
			workers.awaitTermination(5, TimeUnit.MINUTES);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		await().atMost(Duration.ofMinutes(2)).until(() -> probe.count() == count);
		return seconds;
	}

	/** Receives one round's figures. */
	interface RoundSink {

		/**
		 * @param percentiles p50, p99 and p99.9 in milliseconds
		 * @param achievedPerSecond transactions committed per second
		 */
		void accept(double[] percentiles, double achievedPerSecond);

	}

	/** The listener: notes the time each message reaches the handler, against the time its transaction committed. */
	static final class Probe {

		private final Map<String, Long> committing = new ConcurrentHashMap<>();

		private final Queue<Long> latencies = new ConcurrentLinkedQueue<>();

		void committing(String key) {
			this.committing.put(key, System.nanoTime());
		}

		@ReliableListener(topic = "${bench.topic}", consumerGroup = "${bench.group}")
		public void on(String body, MessageContext message) {
			long now = System.nanoTime();
			Long committedAt = this.committing.remove(message.key());
			if (committedAt != null) {
				this.latencies.add(now - committedAt);
			}
		}

		void reset() {
			this.committing.clear();
			this.latencies.clear();
		}

		long count() {
			return this.latencies.size();
		}

		double[] percentiles() {
			double[] millis = this.latencies.stream().mapToDouble((nanos) -> nanos / 1e6).sorted().toArray();
			return new double[] { at(millis, 50), at(millis, 99), at(millis, 99.9) };
		}

		private static double at(double[] sorted, double percentile) {
			int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
			return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
		}

	}

}
