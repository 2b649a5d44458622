package dev.reliablemessaging.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import io.namastack.outbox.Outbox;
import io.namastack.outbox.handler.OutboxRecordMetadata;
import io.namastack.outbox.handler.OutboxTypedHandler;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same two workloads through this starter and through the outbox libraries users pick today: Spring Modulith's
 * JDBC event publication registry and namastack outbox (JDBC), each with a handler that sends to RocketMQ
 * synchronously and fails unless the broker answers {@code SEND_OK}. Each library runs in its own application
 * context with only its own auto-configuration, on the same broker, database and topic set-up.
 */
final class Alternatives {

	/** The starter's relay bean: its lifecycle holds and releases sending. */
	private static final String RELAY_BEAN = "reliableMessagingRelay";

	private static final int PREFILL_TRANSACTION = 100;

	private static final Duration DONE_WAIT = Duration.ofMinutes(5);

	private Alternatives() {
	}

	/** The libraries compared, with how each is set up: defaults unless named. */
	enum Library {

		RELIABLE_MESSAGING("this starter", "defaults, sends after commit"),

		SPRING_MODULITH("Spring Modulith 2.1.1 JDBC event publication", "@ApplicationModuleListener, 8 async threads"),

		NAMASTACK("namastack outbox 1.6.0 JDBC", "polled every 100 ms, 1,000 keys per poll, 8 threads");

		private final String title;

		private final String setup;

		Library(String title, String setup) {
			this.title = title;
			this.setup = setup;
		}

		String title() {
			return this.title;
		}

		String description() {
			return this.title + " (" + this.setup + ")";
		}

	}

	/**
	 * Publishes {@code messages} messages, one business row each, in transactions of {@value #PREFILL_TRANSACTION},
	 * while the sending side is held back (the relay stopped, the handlers waiting); then lets it go and returns
	 * messages per second from then until the library has recorded every message as done.
	 */
	static double drain(Library library, String nameServer, TestDatabase database, String topic, int messages) {
		double[] perSecond = new double[1];
		runner(library, nameServer, database, topic).run((context) -> {
			failOnStartup(context);
			Sending sending = Sending.of(library, context);
			sending.hold();
			createOrders(context);
			TransactionTemplate transactions = transactions(context);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			for (int from = 0; from < messages; from += PREFILL_TRANSACTION) {
				int count = Math.min(PREFILL_TRANSACTION, messages - from);
				transactions.executeWithoutResult((status) -> {
					for (int i = 0; i < count; i++) {
						placeOrder(jdbc, sending, topic, UUID.randomUUID().toString());
					}
				});
			}
			assertThat(sending.pending(jdbc)).isEqualTo(messages);
			long started = System.nanoTime();
			sending.release();
			while (sending.pending(jdbc) > 0) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
				assertThat(System.nanoTime() - started).as("drain of " + library).isLessThan(DONE_WAIT.toNanos());
			}
			perSecond[0] = messages / ((System.nanoTime() - started) / 1e9);
		});
		return perSecond[0];
	}

	/**
	 * Offers a warm-up round and then {@code rounds} rounds of {@code perSecond} business transactions (open loop),
	 * each inserting a row and publishing one message, and hands each round's commit-to-receipt p50, p99 and p99.9
	 * (a plain RocketMQ consumer receives) and achieved rate to {@code sink}.
	 */
	static void latency(Library library, String nameServer, TestDatabase database, String topic, int perSecond,
			Duration length, int rounds, EndToEndLatency.RoundSink sink) {
		Receipts receipts = new Receipts();
		runner(library, nameServer, database, topic).run((context) -> {
			failOnStartup(context);
			createOrders(context);
			Sending sending = Sending.of(library, context);
			try (TopicReceiver receiver = TopicReceiver.receive(nameServer, topic, (message) -> {
				// the business key is the last of the message's keys (this starter puts its message id first)
				if (message.getKeys() != null) {
					String[] keys = message.getKeys().split(" ");
					receipts.arrived(keys[keys.length - 1]);
				}
			})) {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				TransactionTemplate transactions = transactions(context);
				Consumer<String> placeOrder = (id) -> placeOrder(jdbc, sending, topic, id);
				EndToEndLatency.offer(transactions, receipts, perSecond, length, placeOrder); // warm-up
				for (int round = 0; round < rounds; round++) {
					double seconds = EndToEndLatency.offer(transactions, receipts, perSecond, length, placeOrder);
					sink.accept(receipts.percentiles(), receipts.count() / seconds);
				}
			}
		});
	}

	private static void placeOrder(JdbcTemplate jdbc, Sending sending, String topic, String id) {
		jdbc.update("INSERT INTO bench_orders (id, sku, quantity) VALUES (?, ?, ?)", id, "apple", 1);
		sending.publish(topic, id);
	}

	private static void createOrders(ApplicationContext context) {
		new JdbcTemplate(context.getBean(DataSource.class))
			.execute("CREATE TABLE bench_orders (id VARCHAR(36) PRIMARY KEY, sku VARCHAR(64), quantity INT)");
	}

	private static TransactionTemplate transactions(ApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	private static void failOnStartup(AssertableApplicationContext context) {
		if (context.getStartupFailure() != null) {
			throw new IllegalStateException(context.getStartupFailure());
		}
	}

	private static ApplicationContextRunner runner(Library library, String nameServer, TestDatabase database,
			String topic) {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=" + database.freshSchemaUrl(),
				"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password(),
				"spring.datasource.hikari.maximum-pool-size=" + (EndToEndLatency.PUBLISHING_THREADS + 10),
				"spring.application.name=bench-" + suffix, "bench.topic=" + topic));
		if (library == Library.RELIABLE_MESSAGING) {
			properties.add("reliable-messaging.rocketmq.name-server=" + nameServer);
			return TestContexts.runner().withPropertyValues(properties.toArray(String[]::new));
		}
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					TransactionAutoConfiguration.class, JacksonAutoConfiguration.class,
					TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class))
			.withBean(RocketMqTarget.class, () -> new RocketMqTarget(nameServer, topic));
		if (library == Library.SPRING_MODULITH) {
			// the listener sends; Modulith's own externalization (to brokers it supports) stays off
			properties.add("spring.modulith.events.externalization.enabled=false");
			return runner.withPropertyValues(properties.toArray(String[]::new))
				.withConfiguration(autoConfigurationsIn("org.springframework.modulith."))
				.withBean(ModulithSender.class);
		}
		properties.addAll(List.of("namastack.outbox.polling.fixed.interval=100ms",
				"namastack.outbox.polling.batch-size=1000", "namastack.outbox.processing.executor-core-pool-size=8",
				"namastack.outbox.multicaster.enabled=false"));
		return runner.withPropertyValues(properties.toArray(String[]::new))
			.withConfiguration(autoConfigurationsIn("io.namastack."))
			.withBean(NamastackSender.class);
	}

	/** The auto-configurations a library lists for Spring Boot, as its starter would bring them in. */
	private static AutoConfigurations autoConfigurationsIn(String packagePrefix) {
		ClassLoader classLoader = Alternatives.class.getClassLoader();
		Class<?>[] classes = ImportCandidates.load(AutoConfiguration.class, classLoader)
			.getCandidates()
			.stream()
			.filter((name) -> name.startsWith(packagePrefix))
			// Spring Modulith's Jackson 2 serialization backs off without Jackson 2, but warns on every start
			.filter((name) -> !name.contains(".jackson2."))
			.map((name) -> ClassUtils.resolveClassName(name, classLoader))
			.toArray(Class<?>[]::new);
		assertThat(classes).as("auto-configurations in " + packagePrefix).isNotEmpty();
		return AutoConfigurations.of(classes);
	}

	/** How a library publishes in the caller's transaction, holds its sending back, and counts what is not done. */
	private interface Sending {

		void publish(String topic, String id);

		void hold();

		void release();

		long pending(JdbcTemplate jdbc);

		static Sending of(Library library, ApplicationContext context) {
			return switch (library) {
				case RELIABLE_MESSAGING -> new StarterSending(context);
				case SPRING_MODULITH -> new GatedSending(context.getBean(RocketMqTarget.class),
						(topic, id) -> context.publishEvent(new OrderPlaced(id)),
						"SELECT COUNT(*) FROM event_publication WHERE completion_date IS NULL");
				case NAMASTACK -> new GatedSending(context.getBean(RocketMqTarget.class),
						(topic, id) -> context.getBean(Outbox.class).schedule(new OrderPlaced(id), id),
						"SELECT COUNT(*) FROM outbox_record WHERE status <> 'COMPLETED'");
			};
		}

	}

	/** This starter: an outbox row per message; holding back stops the relay, so rows wait as after a crash. */
	private record StarterSending(ApplicationContext context) implements Sending {

		@Override
		public void publish(String topic, String id) {
			this.context.getBean(OutboxPublisher.class)
				.publish(OutboundMessage.builder(topic).key(id).payload(Map.of("id", id)).build());
		}

		@Override
		public void hold() {
			this.context.getBean(RELAY_BEAN, Lifecycle.class).stop();
		}

		@Override
		public void release() {
			this.context.getBean(RELAY_BEAN, Lifecycle.class).start();
		}

		@Override
		public long pending(JdbcTemplate jdbc) {
			String table = this.context.getEnvironment().getProperty("reliable-messaging.outbox.table-prefix", "rm_")
					+ "outbox";
			return jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE status = 'PENDING'", Long.class);
		}

	}

	/** A library whose handler sends: holding back keeps the handlers waiting at the gate of the sending bean. */
	private record GatedSending(RocketMqTarget target, Publish publish, String pendingQuery) implements Sending {

		@Override
		public void publish(String topic, String id) {
			this.publish.publish(topic, id);
		}

		@Override
		public void hold() {
			this.target.hold();
		}

		@Override
		public void release() {
			this.target.release();
		}

		@Override
		public long pending(JdbcTemplate jdbc) {
			return jdbc.queryForObject(this.pendingQuery, Long.class);
		}

		interface Publish {

			void publish(String topic, String id);

		}

	}

	/** The event both libraries store and hand to their handler. */
	public record OrderPlaced(String id) {
	}

	/**
	 * Sends one message per event with a synchronous send, as this starter's relay does, and fails unless the broker
	 * answered {@code SEND_OK}, so the library retries it.
	 */
	static final class RocketMqTarget implements AutoCloseable {

		private final DefaultMQProducer producer;

		private final String topic;

		private volatile CountDownLatch gate = new CountDownLatch(0);

		RocketMqTarget(String nameServer, String topic) {
			this.topic = topic;
			this.producer = new DefaultMQProducer("bench-alt-" + UUID.randomUUID().toString().substring(0, 8));
			this.producer.setNamesrvAddr(nameServer);
			this.producer.setInstanceName("bench-alt-" + UUID.randomUUID());
			this.producer.setSendMsgTimeout(10_000);
			try {
				this.producer.start();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		void hold() {
			this.gate = new CountDownLatch(1);
		}

		void release() {
			this.gate.countDown();
		}

		void send(String id) {
			try {
				this.gate.await();
				Message message = new Message(this.topic, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
				message.setKeys(id);
				SendResult result = this.producer.send(message);
				if (result.getSendStatus() != SendStatus.SEND_OK) {
					throw new IllegalStateException("broker answered " + result.getSendStatus());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (Exception ex) {
				throw new IllegalStateException("send of " + id + " failed", ex);
			}
		}

		@Override
		public void close() {
			release();
			this.producer.shutdown();
		}

	}

	/** Spring Modulith: the publication is stored with the transaction; the listener runs after it commits. */
	static class ModulithSender {

		private final RocketMqTarget target;

		ModulithSender(RocketMqTarget target) {
			this.target = target;
		}

		@ApplicationModuleListener(id = "bench-sender")
		public void on(OrderPlaced event) {
			this.target.send(event.id());
		}

	}

	/** namastack outbox: the record is stored with the transaction; the scheduler's poll hands it to the handler. */
	static class NamastackSender implements OutboxTypedHandler<OrderPlaced> {

		private final RocketMqTarget target;

		NamastackSender(RocketMqTarget target) {
			this.target = target;
		}

		@Override
		public void handle(OrderPlaced payload, OutboxRecordMetadata metadata) {
			this.target.send(payload.id());
		}

	}

}
