package dev.reliablemessaging.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
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

	static final int PUBLISHING_THREADS = 16;

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
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				Consumer<String> placeOrder = (id) -> {
					jdbc.update("INSERT INTO bench_orders (id, sku, quantity) VALUES (?, ?, ?)", id, "apple", 1);
					publisher.publish(OutboundMessage.builder(topic).key(id).payload(Map.of("id", id)).build());
				};
				Receipts receipts = probe.receipts;
				offer(transactions, receipts, perSecond, length, placeOrder); // warm-up
				for (int round = 0; round < rounds; round++) {
					double seconds = offer(transactions, receipts, perSecond, length, placeOrder);
					sink.accept(receipts.percentiles(), receipts.count() / seconds);
				}
			});
	}

	/**
	 * Offers one round of business transactions at a fixed rate whatever the latency (open loop): each runs
	 * {@code work} with a fresh key and notes its commit in {@code receipts}. Waits until every message of the round
	 * arrived; returns the round's seconds.
	 */
	static double offer(TransactionTemplate transactions, Receipts receipts, int perSecond, Duration length,
			Consumer<String> work) {
		receipts.reset();
		ExecutorService workers = Executors.newFixedThreadPool(PUBLISHING_THREADS);
		long count = perSecond * length.toSeconds();
		long period = 1_000_000_000L / perSecond;
		long started = System.nanoTime();
		for (long i = 0; i < count; i++) {
			long wait = started + i * period - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			workers.execute(() -> {
				String id = UUID.randomUUID().toString();
				transactions.executeWithoutResult((status) -> {
					work.accept(id);
					receipts.committing(id);
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
		await().atMost(Duration.ofMinutes(2)).until(() -> receipts.count() == count);
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

	/** The listener: notes when each message reaches the handler, against the time its transaction committed. */
	static final class Probe {

		private final Receipts receipts = new Receipts();

		@ReliableListener(topic = "${bench.topic}", consumerGroup = "${bench.group}")
		public void on(String body, MessageContext message) {
			this.receipts.arrived(message.key());
		}

	}

}
