package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;

import dev.reliablemessaging.ReliableMessagingException;
import dev.reliablemessaging.autoconfigure.jdbc.LockKeys;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes outbox rows in the business transaction, on its own connection. A row with an ordering key first locks the
 * row of its topic and key in the ordering-lock table until the transaction ends: a later transaction of the same
 * topic and key waits there, so it gets its id only after this one has committed, and per key the order of ids is
 * the order of commits. The relay sends a key's rows in id order, so consumers see them in commit order. The wait is
 * bounded ({@code reliable-messaging.outbox.ordering-lock-timeout}), and other keys never wait for each other.
 */
public final class OutboxWriter {

	private static final String INSERT = """
			INSERT INTO %1$s (message_id, topic, tag, message_key, ordering_key, headers, payload, status, attempts,
			                  refusals, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, %2$s, %3$s)
			""";

	private final MessagingDataSource dataSource;

	private final SqlDialect database;

	private final JdbcTemplate jdbc;

	private final JdbcTemplate locks;

	private final Duration lockTimeout;

	private final String insert;

	private final String lockKey;

	OutboxWriter(MessagingDataSource dataSource, SqlDialect database, MessagingTables tables, Duration lockTimeout) {
		this.dataSource = dataSource;
		this.database = database;
		this.jdbc = new JdbcTemplate(dataSource.dataSource());
		this.locks = new JdbcTemplate(dataSource.dataSource());
		this.locks.setQueryTimeout((int) Math.max(1, lockTimeout.toSeconds()));
		this.lockTimeout = lockTimeout;
		this.insert = INSERT.formatted(tables.outbox(), database.utcClockPlusMillis(), database.utcClock());
		this.lockKey = database.lockKey(tables.orderingKeyLock());
	}

	/**
	 * Inserts a row through the connection of the caller's transaction, which must manage the outbox's DataSource.
	 * Times come from the database's clock.
	 */
	void insert(NewOutboxRow row, PublishingTransaction transaction) {
		this.dataSource.requireTransactionalConnection("publish a message to topic '" + row.topic() + "'");
		if (row.orderingKey() != null) {
			lock(row.topic(), row.orderingKey(), transaction);
		}
		String headers = row.headers().isEmpty() ? null : HeaderFormat.write(row.headers());
		OutboxStatus status = row.deliverAfter().isZero() ? OutboxStatus.PENDING : OutboxStatus.DELAYED;
		this.jdbc.update(this.insert, row.messageId(), row.topic(), row.tag(), row.key(), row.orderingKey(), headers,
				row.payload(), status.name(), row.deliverAfter().toMillis());
	}

	/** Takes the ordering lock of a topic and key for the rest of the transaction, waiting at most the timeout. */
	private void lock(String topic, String orderingKey, PublishingTransaction transaction) {
		String key = lockKey(topic, orderingKey);
		transaction.locking(key, topic, orderingKey);
		long started = System.nanoTime();
		while (true) {
			try {
				this.locks.update(this.lockKey, key);
				return;
			}
			catch (DuplicateKeyException | CannotAcquireLockException | QueryTimeoutException ex) {
				// H2 ends a lock wait after its own short timeout, and two first writers of a key may both insert
				Duration waited = Duration.ofNanos(System.nanoTime() - started);
				if (!this.database.endsLockWaitsEarly() || waited.compareTo(this.lockTimeout) >= 0) {
					throw lockTimedOut(topic, orderingKey, waited, ex);
				}
			}
		}
	}

	private ReliableMessagingException lockTimedOut(String topic, String orderingKey, Duration waited,
			RuntimeException cause) {
		return new ReliableMessagingException("Publishing a message with ordering key '" + orderingKey + "' to topic '"
				+ topic + "' waited " + waited.toMillis() + " ms for another open transaction that published the same "
				+ "topic and key (it must commit first, to keep commit order) and gave up; the longest wait is "
				+ "reliable-messaging.outbox.ordering-lock-timeout (" + this.lockTimeout + "): " + cause.getMessage(),
				cause);
	}

	/** The row of a topic and ordering key in the ordering-lock table. */
	static String lockKey(String topic, String orderingKey) {
		return LockKeys.of("key", topic, orderingKey);
	}

}
