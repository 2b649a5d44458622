package dev.reliablemessaging.autoconfigure.jdbc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Checks at start-up that every table and column the starter reads and writes is there, whoever manages the schema:
 * a schema the application manages ({@code initialize-schema=never}) that misses a migration stops start-up with a
 * message that names what is missing, instead of failing later on one code path (ordered rows only, say).
 */
final class SchemaCheck implements InitializingBean {

	private final JdbcTemplate jdbc;

	private final SqlDialect database;

	private final Map<String, List<String>> columnsByTable = new LinkedHashMap<>();

	SchemaCheck(DataSource dataSource, SqlDialect database, MessagingTables tables) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setQueryTimeout(30);
		this.database = database;
		this.columnsByTable.put(tables.outbox(),
				List.of("id", "message_id", "topic", "tag", "message_key", "ordering_key", "headers", "payload",
						"status", "attempts", "refusals", "next_attempt_at", "lease_owner", "lease_until", "last_error",
						"created_at", "sent_at", "broker_message_id"));
		this.columnsByTable.put(tables.inbox(), List.of("consumer_group", "message_id", "topic", "processed_at"));
		this.columnsByTable.put(tables.orderingKeyLock(), List.of("lock_key", "locked_at"));
		this.columnsByTable.put(tables.topicQueues(), List.of("topic", "broker_name", "queue_count"));
		this.columnsByTable.put(tables.parked(), List.of("id", "consumer_group", "ordering_key", "message_id", "topic",
				"properties", "body", "reconsume_times", "last_error", "parked_at"));
	}

	@Override
	public void afterPropertiesSet() {
		this.columnsByTable.forEach(this::check);
	}

	private void check(String table, List<String> columns) {
		try {
			this.jdbc.queryForList("SELECT " + String.join(", ", columns) + " FROM " + table + " WHERE 1 = 0");
		}
		catch (DataAccessException columnsMissing) {
			String missing;
			try {
				this.jdbc.queryForList("SELECT 1 FROM " + table + " WHERE 1 = 0");
				missing = "table " + table + " lacks one of its columns " + columns;
			}
			catch (DataAccessException tableMissing) {
				missing = "table " + table + " does not exist";
			}
			throw new IllegalStateException("The reliable messaging schema is not complete: " + missing + " ("
					+ columnsMissing.getMostSpecificCause().getMessage() + "). With "
					+ "reliable-messaging.outbox.initialize-schema=never the application applies the starter's "
					+ "migrations itself: apply every V*.sql of " + this.database.migrationLocation()
					+ " in order, or set initialize-schema=auto to let the starter migrate its tables.");
		}
	}

}
