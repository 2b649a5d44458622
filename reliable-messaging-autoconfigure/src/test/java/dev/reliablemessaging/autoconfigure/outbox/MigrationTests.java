package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every schema change migrates a database of the previous schema that holds rows of every kind (pending, retried,
 * dead, sent, inbox, topic layout), on H2, PostgreSQL and MariaDB, and the stores work on the result: the rows are
 * claimed, replayed and recognised as before.
 */
class MigrationTests {

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void theBaselineWithRowsInItMigratesToTheLatestSchema(TestDatabase database) {
		String url = database.freshSchemaUrl();
		try (HikariDataSource dataSource = new HikariDataSource()) {
			dataSource.setJdbcUrl(url);
			dataSource.setUsername(database.user());
			dataSource.setPassword(database.password());
			SqlDialect dialect = SqlDialect.of(dataSource);
			Flyway.configure()
				.dataSource(dataSource)
				.locations(dialect.migrationLocation())
				.table("rm_schema_history")
				.placeholders(Map.of("prefix", "rm_"))
				.target("1")
				.load()
				.migrate();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			Object past = JdbcValues.timestamp(Instant.now().minus(Duration.ofMinutes(5)));
			Object future = JdbcValues.timestamp(Instant.now().plus(Duration.ofHours(1)));
			insert(jdbc, "due", "PENDING", 0, past, null);
			insert(jdbc, "retried", "PENDING", 3, future, null);
			insert(jdbc, "dead", "DEAD", 16, past, null);
			insert(jdbc, "sent", "SENT", 1, past, past);
			jdbc.update("INSERT INTO rm_inbox (consumer_group, message_id, topic, processed_at) VALUES (?, ?, ?, ?)",
					"warehouse", "handled-before", "orders", past);
			jdbc.update("INSERT INTO rm_topic_queues (topic, broker_name, queue_count) VALUES (?, ?, ?)", "orders",
					"broker-a", 4);
		}
		try (StoreFixture store = new StoreFixture(url, database.user(), database.password(), Duration.ofSeconds(10))) {
			assertThat(store.jdbc.queryForList("SELECT message_id FROM rm_outbox ORDER BY id", String.class))
				.containsExactly("due", "retried", "dead", "sent");
			assertThat(store.claimDue("relay", 10)).extracting(OutboxRow::messageId).containsExactly("due");
			store.expireLeases();
			store.makeDue();
			assertThat(store.claimDue("relay", 10)).extracting(OutboxRow::messageId).contains("retried");
			assertThat(store.admin.replay(List.of("dead"), false)).isEqualTo(1);
			assertThat(store.markProcessed("warehouse", "handled-before")).as("the inbox row of before").isFalse();
			assertThat(store.jdbc.queryForObject("SELECT queue_count FROM rm_topic_queues WHERE topic = 'orders'",
					Integer.class)).isEqualTo(4);
			assertThat(store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_ordering_key_lock", Long.class)).isZero();
			assertThat(store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_parked", Long.class)).isZero();
			String key = store.insert("orders", "customer-1");
			assertThat(store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_ordering_key_lock", Long.class))
				.as("the ordered publish of " + key + " took its key's lock").isEqualTo(1);
		}
	}

	private static void insert(JdbcTemplate jdbc, String messageId, String status, int attempts, Object nextAttempt,
			Object sentAt) {
		jdbc.update("INSERT INTO rm_outbox (message_id, topic, payload, status, attempts, refusals, next_attempt_at, "
				+ "created_at, sent_at) VALUES (?, 'orders', ?, ?, ?, 0, ?, ?, ?)", messageId, messageId.getBytes(), status,
				attempts, nextAttempt, JdbcValues.timestamp(Instant.now().minus(Duration.ofMinutes(10))), sentAt);
	}

}
