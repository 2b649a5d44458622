package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batching never adds a failure the handler would not have alone: a handler that updates a few hot rows, in an order
 * of its own for each message, deadlocks when several messages share a transaction, yet no message fails and each
 * is applied once, at the default batch size.
 */
class ContendedListenerTests {

	private static final int MESSAGES = 400;

	private static final List<String> HOT = List.of("apple", "banana", "cherry");

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "H2", "POSTGRESQL" })
	void aHandlerOfHotRowsNeverFailsBecauseOfTheBatch(TestDatabase database) {
		String group = TestContexts.uniqueTopic("stock-group");
		TestContexts.onSharedBroker()
			.withUserConfiguration(Config.class)
			.withPropertyValues(database.springProperties(database.freshSchemaUrl()))
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("stock"), "test.group=" + group)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				String topic = context.getEnvironment().getProperty("test.topic");
				// published in few large transactions, so that the relay sends batches and the listener gets batches
				outbox.publish(topic, MESSAGES, 100);
				await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
					.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM applied", Long.class) == MESSAGES);
				ListenerContainer container = context.getBean(ReliableListeners.class).container(group);
				assertThat(container.count(Outcome.FAILED)).as("failed handlings").isZero();
				assertThat(container.count(Outcome.PROCESSED)).isEqualTo(MESSAGES);
				assertThat(jdbc.queryForObject("SELECT SUM(taken) FROM hot_stock", Long.class))
					.isEqualTo(2L * MESSAGES);
				assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT message_id) FROM applied", Long.class))
					.isEqualTo(MESSAGES);
			});
	}

	/**
	 * Takes two of the hot items, which two depends on the message, always in the order of their names: safe alone,
	 * whatever runs beside it; several messages in one transaction take them in other orders.
	 */
	public static class HotStock {

		private final JdbcTemplate jdbc;

		HotStock(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
			this.jdbc.execute("CREATE TABLE hot_stock (sku VARCHAR(20) PRIMARY KEY, taken INT NOT NULL)");
			this.jdbc.execute("CREATE TABLE applied (message_id VARCHAR(64) PRIMARY KEY)");
			HOT.forEach((sku) -> this.jdbc.update("INSERT INTO hot_stock (sku, taken) VALUES (?, 0)", sku));
		}

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}")
		public void on(String body, MessageContext context) {
			List<String> skus = new ArrayList<>(HOT);
			skus.remove(Math.floorMod(body.hashCode(), HOT.size()));
			for (String sku : skus) {
				this.jdbc.update("UPDATE hot_stock SET taken = taken + 1 WHERE sku = ?", sku);
			}
			this.jdbc.update("INSERT INTO applied (message_id) VALUES (?)", context.messageId());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		HotStock hotStock(DataSource dataSource) {
			return new HotStock(dataSource);
		}

	}

}
