package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import javax.sql.DataSource;

import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import dev.reliablemessaging.autoconfigure.jdbc.TimeBoundDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay's way to the outbox table: short transactions of its own, every statement bounded by a timeout and every
 * connection by a network timeout, and the database's clock for everything instances compare.
 */
final class RelayDatabase {

	/** How much longer than a statement a read on the network may wait: the statement's own cancel needs it. */
	private static final Duration NETWORK_MARGIN = Duration.ofSeconds(5);

	private final SqlDialect dialect;

	private final String table;

	private final String topicQueuesTable;

	private final String orderingKeyLockTable;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final String now;

	RelayDatabase(DataSource dataSource, SqlDialect dialect, MessagingTables tables, Duration statementTimeout) {
		this.dialect = dialect;
		this.table = tables.outbox();
		this.topicQueuesTable = tables.topicQueues();
		this.orderingKeyLockTable = tables.orderingKeyLock();
		DataSource bounded = new TimeBoundDataSource(dataSource, statementTimeout.plus(NETWORK_MARGIN));
		int seconds = (int) Math.max(1, statementTimeout.toSeconds());
		this.jdbc = new JdbcTemplate(bounded);
		this.jdbc.setQueryTimeout(seconds);
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(bounded));
		this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		this.transaction.setTimeout(seconds);
		this.now = "SELECT " + dialect.utcNow();
	}

	SqlDialect dialect() {
		return this.dialect;
	}

	String table() {
		return this.table;
	}

	String topicQueuesTable() {
		return this.topicQueuesTable;
	}

	String orderingKeyLockTable() {
		return this.orderingKeyLockTable;
	}

	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	/** The table name put into a statement template as {@code %1$s}. */
	String sql(String template) {
		return template.formatted(this.table);
	}

	/**
	 * Runs work in a short transaction of the relay's own, committed as {@link #relaxDurability()} allows. A relay
	 * transaction never joins another: it commits before any network I/O to the broker.
	 */
	<T> T inTransaction(Supplier<T> work) {
		return this.transaction.execute((status) -> {
			relaxDurability();
			return work.get();
		});
	}

	/**
	 * Runs work in a transaction of the relay's own with the database's full durability, for what a crash must not
	 * undo (a topic's queue layout: keys would move).
	 */
	<T> T inDurableTransaction(Supplier<T> work) {
		return this.transaction.execute((status) -> work.get());
	}

	void inTransaction(Runnable work) {
		inTransaction(() -> {
			work.run();
			return null;
		});
	}

	/** The database's current time. */
	Instant now() {
		LocalDateTime now = this.jdbc.queryForObject(this.now, LocalDateTime.class);
		return now.toInstant(ZoneOffset.UTC);
	}

	/**
	 * Lets the relay's own transaction commit without waiting for its log to reach the disk, where the database
	 * allows it per transaction. Losing such a commit in a database crash only undoes a lease or a mark, so the row
	 * is sent again (a duplicate the inbox absorbs); the row itself was written durably by the business transaction.
	 */
	private void relaxDurability() {
		String statement = this.dialect.relaxedDurability();
		if (statement != null) {
			this.jdbc.execute(statement);
		}
	}

}
