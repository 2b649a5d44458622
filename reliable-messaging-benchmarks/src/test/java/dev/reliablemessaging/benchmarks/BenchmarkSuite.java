package dev.reliablemessaging.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.function.ThrowingConsumer;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay against plain RocketMQ sends, commit-to-handler latency and the listener against a plain consumer, on the
 * same brokers and databases, in one run: each figure is the median of
 * several rounds after a warm-up round, with min and max, and ratios beside the absolute figures, which drift on
 * shared machines. Prints a Markdown table and writes it to {@code target/benchmark-report.md}. Targets are printed
 * as met or not met, never asserted.
 */
class BenchmarkSuite {

	private static final int ROWS = Integer.getInteger("rm.bench.rows", 100_000);

	private static final int ROUNDS = Integer.getInteger("rm.bench.rounds", 3);

	private static final int PAYLOAD_BYTES = 256;

	private static final int PLAIN_BATCH = 200;

	private static final int SINGLE_SENDS = 5_000;

	private static final int PUBLISH_TRANSACTIONS = 2_000;

	private static final List<Integer> OFFERED_RATES = List.of(500, 2_000);

	private static final Duration LATENCY_ROUND = Duration.ofSeconds(10);

	private static final int CONSUMED = Integer.getInteger("rm.bench.consumed", 20_000);

	private static final int ALTERNATIVES_MESSAGES = Integer.getInteger("rm.bench.alternatives.messages", 20_000);

	private static final int ALTERNATIVES_RATE = 500;

	private static final int CONTENDED = Integer.getInteger("rm.bench.contended", 2_000);

	private static final List<Integer> CONTENDED_BATCH_SIZES = Arrays
		.stream(System.getProperty("rm.bench.contended.batch-sizes", "1,4,16").split(","))
		.map(Integer::valueOf)
		.toList();

	private static final List<TestDatabase> CONTENDED_DATABASES = Arrays
		.stream(System.getProperty("rm.bench.contended.databases", "H2,POSTGRESQL").split(","))
		.map(TestDatabase::valueOf)
		.toList();

	/** The relay's bean: its lifecycle holds and releases it. */
	private static final String RELAY_BEAN = "reliableMessagingRelay";

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final StringBuilder table = new StringBuilder(
			"| figure | median | min | max | unit |\n|---|---:|---:|---:|---|\n");

	private final StringBuilder targets = new StringBuilder();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void relayAgainstPlainSends() throws Exception {
		EmbeddedRocketMq syncFlush = broker(FlushDiskType.SYNC_FLUSH);
		EmbeddedRocketMq asyncFlush = broker(FlushDiskType.ASYNC_FLUSH);

		measure("plain producer, one sync send at a time, SYNC_FLUSH", "msg/s",
				() -> plainSends(syncFlush, SINGLE_SENDS, 1));
		Figure syncLimit = measure("plain producer, sync batches of " + PLAIN_BATCH + ", SYNC_FLUSH (the limit)",
				"msg/s", () -> plainSends(syncFlush, ROWS, PLAIN_BATCH));
		Figure asyncLimit = measure("plain producer, sync batches of " + PLAIN_BATCH + ", ASYNC_FLUSH (the limit)",
				"msg/s", () -> plainSends(asyncFlush, ROWS, PLAIN_BATCH));

		for (TestDatabase database : List.of(TestDatabase.H2, TestDatabase.POSTGRESQL)) {
			if (!reachable(database)) {
				this.table.append("| relay drain on ").append(database).append(" | skipped: not reachable | | | |\n");
				continue;
			}
			Figure sync = measure("relay drain of " + ROWS + " rows, " + database + ", SYNC_FLUSH", "msg/s",
					() -> drain(database, syncFlush, 1));
			Figure async = measure("relay drain of " + ROWS + " rows, " + database + ", ASYNC_FLUSH", "msg/s",
					() -> drain(database, asyncFlush, 1));
			ratio("relay drain / plain batch limit, " + database + ", SYNC_FLUSH", sync, syncLimit, 0.70);
			ratio("relay drain / plain batch limit, " + database + ", ASYNC_FLUSH", async, asyncLimit, 0.70);
		}

		if (reachable(TestDatabase.POSTGRESQL)) {
			Figure one = measure("relay drain, PostgreSQL, SYNC_FLUSH, 1 relay", "msg/s",
					() -> drain(TestDatabase.POSTGRESQL, syncFlush, 1));
			Figure two = measure("relay drain, PostgreSQL, SYNC_FLUSH, 2 relays", "msg/s",
					() -> drain(TestDatabase.POSTGRESQL, syncFlush, 2));
			Figure four = measure("relay drain, PostgreSQL, SYNC_FLUSH, 4 relays", "msg/s",
					() -> drain(TestDatabase.POSTGRESQL, syncFlush, 4));
			ratio("2 relays / 1 relay", two, one, -1);
			ratio("4 relays / 1 relay", four, one, -1);

			Map<AlongsideOrder, Figure> medians = transactionLatencies(syncFlush);
			Figure plain = medians.get(AlongsideOrder.NOTHING);
			Figure publishing = medians.get(AlongsideOrder.PUBLISH);
			ratio("second plain insert / without (one more statement, nothing of the outbox)",
					medians.get(AlongsideOrder.PLAIN_INSERT), plain, -1);
			ratioAtMost("publish overhead p50 (with / without)", publishing, plain, 1.3);
		}

		TestDatabase production = reachable(TestDatabase.POSTGRESQL) ? TestDatabase.POSTGRESQL : TestDatabase.H2;
		for (int rate : OFFERED_RATES) {
			for (boolean fastPath : List.of(true, false)) {
				Figure p99 = latency(syncFlush, production, rate, fastPath);
				if (rate == 500 && fastPath) {
					this.targets.append(String.format(Locale.ROOT, "- end-to-end p99 at 500 msg/s with the fast path "
							+ "at most 50 ms: %.1f ms, %s%n", p99.median(), (p99.median() <= 50) ? "met" : "NOT met"));
				}
			}
		}

		consumers(syncFlush, production);
		alternatives(syncFlush, production);

		String report = "# Benchmarks\n\n" + ROUNDS + " rounds after a warm-up round; " + ROWS + " messages of "
				+ PAYLOAD_BYTES + " bytes per drain and batch round; " + Runtime.getRuntime().availableProcessors()
				+ " cores.\n\n" + this.table + "\n## Targets\n\n" + this.targets;
		Path file = Path.of(System.getProperty("rm.bench.report", "target/benchmark-report.md"));
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, report);
		System.out.println(report);
		assertThat(file).exists();
	}

	/**
	 * A contended listener (two of three hot rows per message, as the sample's warehouse) at batch sizes 1, 4 and 16,
	 * on H2 and PostgreSQL: throughput, handler failures, extra handler calls and commit-to-handler-commit latency.
	 * Runs alone: {@code -Dtest=BenchmarkSuite#contendedConsumer}.
	 */
	@Test
	void contendedConsumer() throws Exception {
		EmbeddedRocketMq broker = broker(FlushDiskType.SYNC_FLUSH);
		for (TestDatabase database : CONTENDED_DATABASES) {
			if (!reachable(database)) {
				this.table.append("| contended listener on ").append(database)
					.append(" | skipped: not reachable | | | |\n");
				continue;
			}
			for (int batchSize : CONTENDED_BATCH_SIZES) {
				String label = "contended listener, batch size " + batchSize + ", " + CONTENDED + " messages, "
						+ database;
				List<ContendedConsumer.Round> rounds = new ArrayList<>();
				ContendedConsumer.measure(broker.nameServerAddress(), database, batchSize, CONTENDED);
				for (int i = 0; i < ROUNDS; i++) {
					rounds.add(ContendedConsumer.measure(broker.nameServerAddress(), database, batchSize, CONTENDED));
				}
				record(label + ", throughput", "msg/s",
						rounds.stream().mapToDouble(ContendedConsumer.Round::perSecond).toArray());
				record(label + ", handler failures", "count",
						rounds.stream().mapToDouble(ContendedConsumer.Round::failures).toArray());
				record(label + ", handler calls beyond one per message", "count",
						rounds.stream().mapToDouble(ContendedConsumer.Round::extraCalls).toArray());
				record(label + ", commit to handler commit p99", "ms",
						rounds.stream().mapToDouble((round) -> round.percentiles()[1]).toArray());
			}
		}
		String report = "# Contended listener\n\n" + ROUNDS + " rounds after a warm-up round; "
				+ Runtime.getRuntime().availableProcessors() + " cores.\n\n" + this.table;
		Path file = Path.of("target/benchmark-contended.md");
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, report);
		System.out.println(report);
		assertThat(file).exists();
	}

	/** Records p50, p99, p99.9 and the achieved rate of commit-to-handler latency; returns the p99. */
	private Figure latency(EmbeddedRocketMq broker, TestDatabase database, int rate, boolean fastPath) {
		String label = "commit to handler at " + rate + " msg/s offered, " + database + ", fast path "
				+ (fastPath ? "on" : "off");
		return recordLatency(label, (sink) -> EndToEndLatency.measure(broker.nameServerAddress(), database, fastPath,
				rate, LATENCY_ROUND, ROUNDS, sink));
	}

	/** Records the p50, p99, p99.9 and achieved rate of the rounds a latency measurement hands over; the p99. */
	private Figure recordLatency(String label, Consumer<EndToEndLatency.RoundSink> measurement) {
		List<double[]> rounds = new ArrayList<>();
		measurement.accept((percentiles, achieved) -> rounds
			.add(new double[] { percentiles[0], percentiles[1], percentiles[2], achieved }));
		record(label + ", p50", "ms", column(rounds, 0));
		Figure p99 = record(label + ", p99", "ms", column(rounds, 1));
		record(label + ", p99.9", "ms", column(rounds, 2));
		record(label + ", achieved", "msg/s", column(rounds, 3));
		return p99;
	}

	/**
	 * The same drain and latency workloads through this starter and through the outbox libraries users pick today, on
	 * the same broker and database; each library's handler sends to RocketMQ synchronously.
	 */
	private void alternatives(EmbeddedRocketMq broker, TestDatabase database) throws Exception {
		String nameServer = broker.nameServerAddress();
		Map<Alternatives.Library, Figure> drains = new EnumMap<>(Alternatives.Library.class);
		Map<Alternatives.Library, Figure> latencies = new EnumMap<>(Alternatives.Library.class);
		for (Alternatives.Library library : Alternatives.Library.values()) {
			drains.put(library, measure(library.description() + ": drain of " + ALTERNATIVES_MESSAGES
					+ " messages published while sending was held, " + database + ", SYNC_FLUSH", "msg/s",
					() -> Alternatives.drain(library, nameServer, database, topic(broker),
							ALTERNATIVES_MESSAGES)));
			String topic = topic(broker);
			latencies.put(library, recordLatency(library.description() + ": commit to receipt by a plain consumer at "
					+ ALTERNATIVES_RATE + " msg/s offered, " + database,
					(sink) -> Alternatives.latency(library, nameServer, database, topic, ALTERNATIVES_RATE,
							LATENCY_ROUND, ROUNDS, sink)));
		}
		Figure ourDrain = drains.get(Alternatives.Library.RELIABLE_MESSAGING);
		Figure ourLatency = latencies.get(Alternatives.Library.RELIABLE_MESSAGING);
		for (Alternatives.Library alternative : List.of(Alternatives.Library.SPRING_MODULITH,
				Alternatives.Library.NAMASTACK)) {
			String name = alternative.title();
			ratio("drain, this starter / " + name, ourDrain, drains.get(alternative), 1.0);
			ratioAtMost("commit-to-receipt p99, this starter / " + name, ourLatency, latencies.get(alternative), 1.0);
		}
	}

	private static double[] column(List<double[]> rows, int index) {
		return rows.stream().mapToDouble((row) -> row[index]).toArray();
	}

	/** A {@code @ReliableListener} against a plain push consumer doing the same insert, over filled topics. */
	private void consumers(EmbeddedRocketMq broker, TestDatabase database) throws Exception {
		HikariDataSource dataSource = dataSource(database);
		this.resources.add(dataSource);
		new JdbcTemplate(dataSource).execute("CREATE TABLE bench_consumed (id VARCHAR(36) PRIMARY KEY)");
		DefaultMQProducer producer = producer(broker);
		this.resources.add(producer::shutdown);
		String suffix = ", " + CONSUMED + " messages, 8 threads, one insert each, " + database;
		Figure plain = measure("plain push consumer, no inbox" + suffix, "msg/s",
				() -> ConsumerThroughput.plain(broker.nameServerAddress(), dataSource,
						ConsumerThroughput.fill(producer, topic(broker), CONSUMED), CONSUMED));
		Figure reliable = measure("@ReliableListener with inbox" + suffix, "msg/s",
				() -> ConsumerThroughput.reliable(broker.nameServerAddress(), database, dataSource.getJdbcUrl(),
						ConsumerThroughput.fill(producer, topic(broker), CONSUMED), CONSUMED));
		ratio("@ReliableListener / plain consumer", reliable, plain, 0.70);
	}

	private EmbeddedRocketMq broker(FlushDiskType flush) throws IOException {
		EmbeddedRocketMq broker = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(Files.createTempDirectory("rm-bench-" + flush + "-")).withFlushDiskType(flush)).start();
		this.resources.add(broker);
		return broker;
	}

	/** Sends {@code count} messages, one by one or in batches, and returns messages per second. */
	private double plainSends(EmbeddedRocketMq broker, int count, int batch) throws Exception {
		DefaultMQProducer producer = producer(broker);
		String topic = topic(broker);
		byte[] body = new byte[PAYLOAD_BYTES];
		long started = System.nanoTime();
		for (int sent = 0; sent < count; sent += batch) {
			if (batch == 1) {
				assertThat(producer.send(new Message(topic, body)).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
			}
			else {
				List<Message> messages = new ArrayList<>(batch);
				for (int i = 0; i < batch; i++) {
					Message message = new Message(topic, body);
					message.setKeys(UUID.randomUUID().toString());
					messages.add(message);
				}
				assertThat(producer.send(messages).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
			}
		}
		double perSecond = count / ((System.nanoTime() - started) / 1e9);
		producer.shutdown();
		return perSecond;
	}

	/**
	 * Fills a fresh outbox with {@link #ROWS} rows and lets {@code relays} instances of the application drain it, as
	 * several service instances do; returns messages per second. The relays are held while the rows go in.
	 */
	private double drain(TestDatabase database, EmbeddedRocketMq broker, int relays) throws Exception {
		String url = database.freshSchemaUrl();
		String topic = topic(broker);
		ApplicationContextRunner instance = TestContexts.runner()
			.withPropertyValues(database.springProperties(url))
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + broker.nameServerAddress(),
					"reliable-messaging.relay.poll-interval=100ms", "reliable-messaging.rocketmq.send-timeout=10s");
		double[] perSecond = new double[1];
		withInstances(instance, relays, new ArrayList<>(), (contexts) -> {
			List<Lifecycle> relaysOf = contexts.stream()
				.map((context) -> context.getBean(RELAY_BEAN, Lifecycle.class))
				.toList();
			relaysOf.forEach(Lifecycle::stop);
			JdbcTemplate jdbc = new JdbcTemplate(contexts.get(0).getBean(DataSource.class));
			prefill(jdbc, topic);
			long started = System.nanoTime();
			relaysOf.forEach(Lifecycle::start);
			await().atMost(Duration.ofMinutes(10))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class) == 0);
			perSecond[0] = ROWS / ((System.nanoTime() - started) / 1e9);
		});
		return perSecond[0];
	}

	/** Runs {@code count} application contexts of {@code runner} at once and hands them to {@code body}. */
	private static void withInstances(ApplicationContextRunner runner, int count,
			List<ConfigurableApplicationContext> open, ThrowingConsumer<List<ConfigurableApplicationContext>> body) {
		if (open.size() == count) {
			body.accept(open);
			return;
		}
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			open.add(context.getSourceApplicationContext());
			withInstances(runner, count, open, body);
		});
	}

	private static void prefill(JdbcTemplate jdbc, String topic) {
		LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
		byte[] payload = new byte[PAYLOAD_BYTES];
		String sql = "INSERT INTO rm_outbox (message_id, topic, message_key, payload, status, attempts, next_attempt_at, "
				+ "created_at) VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?)";
		for (int from = 0; from < ROWS; from += 1_000) {
			List<Object[]> batch = new ArrayList<>(1_000);
			for (int i = from; i < Math.min(ROWS, from + 1_000); i++) {
				String id = UUID.randomUUID().toString();
				batch.add(new Object[] { id, topic, "key-" + i, payload, now, now });
			}
			jdbc.batchUpdate(sql, batch);
		}
	}

	/** What a business transaction does besides inserting its order row. */
	private enum AlongsideOrder {

		NOTHING("business transaction without publish"),

		PUBLISH("business transaction with publish"),

		PLAIN_INSERT("business transaction with a second plain insert instead");

		private final String label;

		AlongsideOrder(String label) {
			this.label = label;
		}

	}

	/**
	 * Business transactions on PostgreSQL with and without publish, and with a second plain insert instead, taking
	 * turns within each round so that the database's drift over a round weighs on all three alike; records the p50
	 * and p99 of each and returns the p50s.
	 */
	private Map<AlongsideOrder, Figure> transactionLatencies(EmbeddedRocketMq broker) {
		transactionRound(broker); // warm-up
		List<Map<AlongsideOrder, double[]>> rounds = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			rounds.add(transactionRound(broker));
		}
		Map<AlongsideOrder, Figure> medians = new EnumMap<>(AlongsideOrder.class);
		for (int percentile : new int[] { 50, 99 }) {
			for (AlongsideOrder alongside : AlongsideOrder.values()) {
				double[] values = rounds.stream()
					.mapToDouble((round) -> Receipts.percentile(round.get(alongside), percentile))
					.toArray();
				Figure figure = record(alongside.label + ", PostgreSQL, p" + percentile, "ms", values);
				medians.putIfAbsent(alongside, figure);
			}
		}
		return medians;
	}

	/** One round of {@link #PUBLISH_TRANSACTIONS} transactions of each variant, in turns; their sorted milliseconds. */
	private Map<AlongsideOrder, double[]> transactionRound(EmbeddedRocketMq broker) {
		Map<AlongsideOrder, double[]> sorted = new EnumMap<>(AlongsideOrder.class);
		TestContexts.runner()
			.withPropertyValues(TestDatabase.POSTGRESQL.springProperties(TestDatabase.POSTGRESQL.freshSchemaUrl()))
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + broker.nameServerAddress(),
					"reliable-messaging.relay.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				jdbc.execute("CREATE TABLE bench_orders (id VARCHAR(36) PRIMARY KEY, sku VARCHAR(64), quantity INT)");
				jdbc.execute("CREATE TABLE bench_audit (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body TEXT)");
				JsonMapper json = new JsonMapper();
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				AlongsideOrder[] variants = AlongsideOrder.values();
				double[][] millis = new double[variants.length][PUBLISH_TRANSACTIONS];
				for (int i = 0; i < PUBLISH_TRANSACTIONS * variants.length; i++) {
					AlongsideOrder alongside = variants[i % variants.length];
					String id = UUID.randomUUID().toString();
					Map<String, Object> order = Map.of("id", id, "sku", "apple", "quantity", 1);
					long started = System.nanoTime();
					transactions.executeWithoutResult((status) -> {
						jdbc.update("INSERT INTO bench_orders (id, sku, quantity) VALUES (?, ?, ?)", id, "apple", 1);
						switch (alongside) {
							case PUBLISH -> publisher.publish(OutboundMessage.builder("orders").key(id).payload(order).build());
							case PLAIN_INSERT -> jdbc.update("INSERT INTO bench_audit (body) VALUES (?)",
									json.writeValueAsString(order));
							case NOTHING -> {
							}
						}
					});
					millis[alongside.ordinal()][i / variants.length] = (System.nanoTime() - started) / 1e6;
				}
				for (AlongsideOrder alongside : variants) {
					Arrays.sort(millis[alongside.ordinal()]);
					sorted.put(alongside, millis[alongside.ordinal()]);
				}
			});
		return sorted;
	}

	private HikariDataSource dataSource(TestDatabase database) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(database.freshSchemaUrl());
		dataSource.setUsername(database.user());
		dataSource.setPassword(database.password());
		dataSource.setMaximumPoolSize(10);
		return dataSource;
	}

	private static boolean reachable(TestDatabase database) {
		try {
			database.freshSchemaUrl();
			return true;
		}
		catch (RuntimeException | AssertionError ex) {
			return false;
		}
	}

	private DefaultMQProducer producer(EmbeddedRocketMq broker) throws Exception {
		DefaultMQProducer producer = new DefaultMQProducer("bench-" + UUID.randomUUID().toString().substring(0, 8));
		producer.setNamesrvAddr(broker.nameServerAddress());
		producer.setInstanceName("bench-" + UUID.randomUUID());
		producer.setSendMsgTimeout(10_000);
		producer.start();
		return producer;
	}

	private static String topic(EmbeddedRocketMq broker) {
		String topic = "bench-" + UUID.randomUUID().toString().substring(0, 8);
		broker.createTopic(topic, 8);
		return topic;
	}

	/** Runs a warm-up round, then {@link #ROUNDS} rounds, and records median, min and max. */
	private Figure measure(String name, String unit, Callable<Double> round) throws Exception {
		round.call();
		double[] values = new double[ROUNDS];
		for (int i = 0; i < ROUNDS; i++) {
			values[i] = round.call();
		}
		return record(name, unit, values);
	}

	/** Records the median, min and max of some rounds' values. */
	private Figure record(String name, String unit, double[] values) {
		Arrays.sort(values);
		Figure figure = new Figure(values[values.length / 2], values[0], values[values.length - 1]);
		this.table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", name, number(figure.median()),
				number(figure.min()), number(figure.max()), unit));
		System.out.println(name + ": " + figure);
		return figure;
	}

	/** Small figures (sub-millisecond latencies) with three decimals, the rest with one. */
	private static String number(double value) {
		return String.format(Locale.ROOT, (value < 10) ? "%.3f" : "%.1f", value);
	}

	private void ratio(String name, Figure figure, Figure base, double target) {
		double ratio = figure.median() / base.median();
		this.table.append(String.format(Locale.ROOT, "| %s | %.2f | | | ratio |%n", name, ratio));
		if (target > 0) {
			this.targets.append(String.format(Locale.ROOT, "- %s at least %.0f%%: %.0f%%, %s%n", name, target * 100,
					ratio * 100, (ratio >= target) ? "met" : "NOT met"));
		}
	}

	private void ratioAtMost(String name, Figure figure, Figure base, double target) {
		double ratio = figure.median() / base.median();
		this.table.append(String.format(Locale.ROOT, "| %s | %.2f | | | ratio |%n", name, ratio));
		this.targets.append(String.format(Locale.ROOT, "- %s at most %.1fx: %.2fx, %s%n", name, target, ratio,
				(ratio <= target) ? "met" : "NOT met"));
	}

	private record Figure(double median, double min, double max) {
	}

}
