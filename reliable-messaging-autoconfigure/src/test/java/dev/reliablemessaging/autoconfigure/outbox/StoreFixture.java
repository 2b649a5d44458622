package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.consumer.InboxStore;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SchemaMigrator;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import dev.reliablemessaging.autoconfigure.outbox.Claim;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The starter's stores on a fresh schema of one database, for tests that drive them directly. Time moves by editing
 * rows (a lease that ran out, a retry that is due), since the stores take the time from the database.
 */
final class StoreFixture implements AutoCloseable {

	static final Duration LEASE = Duration.ofSeconds(30);

	static final long MAX_CLAIM_BYTES = 16L * 1024 * 1024;

	/** The publisher's view of the business transaction, without a fast path. */
	final PublishingTransaction publishing = new PublishingTransaction((ids) -> {
	});

	final HikariDataSource dataSource;

	final SqlDialect dialect;

	final MessagingTables tables = new MessagingTables("rm_");

	final MessagingDataSource messagingDataSource;

	final OutboxWriter writer;

	final RelayDatabase relayDatabase;

	final OutboxClaims claims;

	final OutboxRows rows;

	final OutboxAdmin admin;

	final InboxStore inbox;

	final TransactionTemplate transactions;

	final JdbcTemplate jdbc;

	StoreFixture(TestDatabase database) {
		this(database.freshSchemaUrl(), database.user(), database.password(), Duration.ofSeconds(10));
	}

	StoreFixture(String url, String user, String password, Duration statementTimeout) {
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(url);
		this.dataSource.setUsername(user);
		this.dataSource.setPassword(password);
		this.dataSource.setMaximumPoolSize(6);
		this.dialect = SqlDialect.of(this.dataSource);
		new SchemaMigrator(this.dataSource, this.dialect, this.tables).afterPropertiesSet();
		this.messagingDataSource = new MessagingDataSource("dataSource", this.dataSource,
				new DefaultListableBeanFactory());
		this.writer = new OutboxWriter(this.messagingDataSource, this.dialect, this.tables, Duration.ofSeconds(10));
		this.relayDatabase = new RelayDatabase(this.dataSource, this.dialect, this.tables, statementTimeout);
		this.claims = new OutboxClaims(this.relayDatabase, MAX_CLAIM_BYTES);
		this.rows = new OutboxRows(this.relayDatabase);
		this.admin = new OutboxAdmin(this.dataSource, this.dialect, this.tables, Duration.ofDays(7));
		this.inbox = new InboxStore(this.messagingDataSource, this.dialect, this.tables);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		this.jdbc = new JdbcTemplate(this.dataSource);
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	/** Writes a row in a transaction of its own, as a business transaction does; returns its message id. */
	String insert(String topic, @Nullable String orderingKey) {
		String id = UUID.randomUUID().toString();
		this.transactions.executeWithoutResult((status) -> insertInCurrentTransaction(id, topic, orderingKey));
		return id;
	}

	void insertInCurrentTransaction(String id, String topic, @Nullable String orderingKey) {
		this.writer.insert(new NewOutboxRow(id, topic, null, "key-" + id.substring(0, 8), orderingKey,
				Map.of("h", "v"), ("payload-" + id).getBytes(), Duration.ZERO), this.publishing);
	}

	List<OutboxRow> claimDue(String owner, int limit) {
		return this.claims.claimDue(owner, limit, LEASE).rows();
	}

	List<OutboxRow> claimWritten(String owner, List<String> messageIds, int limit) {
		Claim claim = this.claims.claimWritten(owner, messageIds, limit, LEASE);
		return claim.rows();
	}

	/** As if every lease had run out. */
	void expireLeases() {
		this.jdbc.update("UPDATE rm_outbox SET lease_until = ? WHERE lease_until IS NOT NULL", anHourAgo());
	}

	/** As if every row waiting for a retry or a delivery time were due now, and the relay had made it due. */
	void makeDue() {
		this.jdbc.update("UPDATE rm_outbox SET next_attempt_at = ? WHERE status IN ('PENDING', 'DELAYED', 'RETRYING')",
				anHourAgo());
		this.rows.promoteDue(100_000);
	}

	/** As if the inbox rows of the given key had been written that long ago. */
	void ageInboxRow(String messageId, Duration age) {
		this.jdbc.update("UPDATE rm_inbox SET processed_at = ? WHERE message_id = ?",
				JdbcValues.timestamp(this.relayDatabase.now().minus(age)), messageId);
	}

	Boolean markProcessed(String group, String messageId) {
		return this.transactions.execute((status) -> this.inbox.markProcessed(group, messageId, "t"));
	}

	private Object anHourAgo() {
		return JdbcValues.timestamp(this.relayDatabase.now().minus(Duration.ofHours(1)));
	}

	@Override
	public void close() {
		this.dataSource.close();
	}

}
