package dev.reliablemessaging.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.reliablemessaging.ReliableListener;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer throughput on a topic filled beforehand: a {@code @ReliableListener} (inbox row and handler in one
 * transaction) against a plain RocketMQ push consumer with the same number of threads doing the same insert in
 * auto-commit, without an inbox. Both are timed from the first message handled to the last, so start-up and
 * rebalancing are left out.
 */
final class ConsumerThroughput {

	private static final int THREADS = 8;

	private ConsumerThroughput() {
	}

	/** Fills a fresh topic with {@code count} JSON messages; returns the topic. */
	static String fill(DefaultMQProducer producer, String topic, int count) throws Exception {
		for (int from = 0; from < count; from += 200) {
			List<Message> batch = new ArrayList<>();
			for (int i = from; i < Math.min(count, from + 200); i++) {
				String id = UUID.randomUUID().toString();
				Message message = new Message(topic, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
				message.setKeys(id);
				batch.add(message);
			}
			assertThat(producer.send(batch).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
		}
		return topic;
	}

	/** The plain consumer's messages per second over a filled topic ({@code bench_consumed} exists already). */
	static double plain(String nameServer, HikariDataSource dataSource, String topic, int count) throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		Clock clock = new Clock();
		DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("bench-plain-" + UUID.randomUUID().toString().substring(0, 8));
		consumer.setNamesrvAddr(nameServer);
		consumer.setInstanceName(consumer.getConsumerGroup());
		consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		consumer.setConsumeThreadMin(THREADS);
		consumer.setConsumeThreadMax(THREADS);
		consumer.subscribe(topic, "*");
		consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
			for (var message : messages) {
				String body = new String(message.getBody(), StandardCharsets.UTF_8);
				jdbc.update("INSERT INTO bench_consumed (id) VALUES (?)", body.substring(7, 43));
				clock.handled();
			}
			return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
		});
		consumer.start();
		try {
			await().atMost(Duration.ofMinutes(5)).until(() -> clock.count() >= count);
		}
		finally {
			consumer.shutdown();
		}
		return clock.perSecond();
	}

	/**
	 * The {@code @ReliableListener}'s messages per second over a filled topic, on the same database (whose
	 * {@code bench_consumed} table exists already).
	 */
	static double reliable(String nameServer, TestDatabase database, String schemaUrl, String topic, int count) {
		double[] perSecond = new double[1];
		TestContexts.runner()
			.withPropertyValues("spring.datasource.url=" + schemaUrl, "spring.datasource.username=" + database.user(),
					"spring.datasource.password=" + database.password(),
					"spring.datasource.hikari.maximum-pool-size=" + (THREADS + 4),
					"reliable-messaging.rocketmq.name-server=" + nameServer,
					"reliable-messaging.consumer.threads=" + THREADS, "bench.topic=" + topic,
					"bench.group=bench-reliable-" + UUID.randomUUID().toString().substring(0, 8))
			.withBean(Listener.class)
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					throw new IllegalStateException(context.getStartupFailure());
				}
				Clock clock = context.getBean(Listener.class).clock;
				await().atMost(Duration.ofMinutes(5)).until(() -> clock.count() >= count);
				perSecond[0] = clock.perSecond();
			});
		return perSecond[0];
	}

	/** The listener: the same insert as the plain consumer's, inside the starter's transaction. */
	static final class Listener {

		final Clock clock = new Clock();

		private final JdbcTemplate jdbc;

		Listener(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
		}

		@ReliableListener(topic = "${bench.topic}", consumerGroup = "${bench.group}")
		public void on(Order order) {
			this.jdbc.update("INSERT INTO bench_consumed (id) VALUES (?)", order.id());
			this.clock.handled();
		}

	}

	/** The message body. */
	record Order(String id) {
	}

	/** Counts handled messages and times the first to the last. */
	static final class Clock {

		private final AtomicLong count = new AtomicLong();

		private volatile long first;

		private volatile long last;

		void handled() {
			long now = System.nanoTime();
			if (this.count.getAndIncrement() == 0) {
				this.first = now;
			}
			this.last = now;
		}

		long count() {
			return this.count.get();
		}

		double perSecond() {
			return (this.count.get() - 1) / ((this.last - this.first) / 1e9);
		}

	}

}
