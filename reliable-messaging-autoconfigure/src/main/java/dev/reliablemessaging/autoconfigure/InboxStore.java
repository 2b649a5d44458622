package dev.reliablemessaging.autoconfigure;

import java.time.Instant;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The inbox table: one row per consumer group and message id that was processed. Inserts join the handler's
 * transaction, so the row exists exactly when the handler's changes were committed.
 */
final class InboxStore {

	private static final String COLUMNS = "consumer_group, message_id, topic, processed_at";

	private final Database database;

	private final String table;

	private final JdbcTemplate jdbc;

	private final String insert;

	InboxStore(DataSource dataSource, Database database, OutboxTables tables) {
		this.database = database;
		this.table = tables.inbox();
		this.jdbc = new JdbcTemplate(dataSource);
		this.insert = database.insertIfAbsent(this.table, COLUMNS, "?, ?, ?, ?");
	}

	/**
	 * Records a message as processed in the current transaction.
	 * @return {@code true} if this is the first time, {@code false} for a duplicate
	 */
	boolean markProcessed(String consumerGroup, String messageId, String topic, Instant now) {
		try {
			return this.jdbc.update(this.insert, consumerGroup, messageId, topic, OutboxStore.timestamp(now)) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/** Deletes at most {@code limit} rows processed before {@code before}. */
	int deleteProcessedBefore(Instant before, int limit) {
		return this.jdbc.update(this.database.limitedDelete(this.table, "processed_at < ?"),
				OutboxStore.timestamp(before), limit);
	}

	long count(String consumerGroup) {
		Long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.table + " WHERE consumer_group = ?",
				Long.class, consumerGroup);
		return (count != null) ? count : 0;
	}

}
