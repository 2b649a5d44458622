package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;

import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The inbox table: one row per consumer group and dedup key that was processed. Inserts join the handler's
 * transaction, and only on a connection of that transaction, so the row exists exactly when the handler's changes
 * were committed. Only a real conflict on the (group, key) primary key counts as "already processed"; any other
 * failure of the insert fails the message.
 */
public final class InboxStore {

	private static final String COLUMNS = "consumer_group, message_id, topic, processed_at";

	private final MessagingDataSource dataSource;

	private final SqlDialect database;

	private final String table;

	private final JdbcTemplate jdbc;

	private final String insert;

	public InboxStore(MessagingDataSource dataSource, SqlDialect database, MessagingTables tables) {
		this.dataSource = dataSource;
		this.database = database;
		this.table = tables.inbox();
		this.jdbc = new JdbcTemplate(dataSource.dataSource());
		this.insert = database.insertInbox(this.table, COLUMNS, "?, ?, ?, " + database.utcNow());
	}

	/**
	 * Records a message as processed in the current transaction.
	 * @return {@code true} if this is the first time, {@code false} for a duplicate
	 * @throws org.springframework.transaction.IllegalTransactionStateException when the current transaction does
	 * not manage the inbox's DataSource
	 */
	public boolean markProcessed(String consumerGroup, String dedupKey, String topic) {
		this.dataSource.requireTransactionalConnection("record message " + dedupKey + " in the inbox of group '"
				+ consumerGroup + "'");
		try {
			return this.jdbc.update(this.insert, InboxKeys.stored(consumerGroup), InboxKeys.stored(dedupKey),
					topic) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	/** Whether the group has processed the message, read outside any transaction. */
	public boolean processed(String consumerGroup, String dedupKey) {
		Long count = this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM " + this.table + " WHERE consumer_group = ? AND message_id = ?", Long.class,
				InboxKeys.stored(consumerGroup), InboxKeys.stored(dedupKey));
		return count != null && count > 0;
	}

	/** Deletes at most {@code limit} rows processed longer than {@code window} ago. */
	public int deleteProcessedBefore(Duration window, int limit) {
		return this.jdbc.update(
				this.database.limitedDelete(this.table, "processed_at < " + this.database.utcNowPlusMillis()),
				-window.toMillis(), limit);
	}

	public long count(String consumerGroup) {
		Long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.table + " WHERE consumer_group = ?",
				Long.class, InboxKeys.stored(consumerGroup));
		return (count != null) ? count : 0;
	}

}
