package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.List;

import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import org.jspecify.annotations.Nullable;

/**
 * What the relay writes back after a send: rows sent (deleted, or kept as SENT for the retention), rows failed
 * (rescheduled, or DEAD), rows handed back unsent. Each in a short transaction of its own; times are the database's.
 */
final class OutboxRows {

	private static final String DELETE_SENT = "DELETE FROM %1$s WHERE id IN (%2$s)";

	private static final String MARK_SENT = """
			UPDATE %1$s SET status = 'SENT', sent_at = %2$s, broker_message_id = ?, lease_owner = NULL,
			                lease_until = NULL, last_error = NULL
			WHERE id = ?
			""";

	private static final String MARK_FAILED = """
			UPDATE %1$s SET status = ?, attempts = ?, refusals = ?, next_attempt_at = %2$s, last_error = ?,
			                lease_owner = NULL, lease_until = NULL
			WHERE id = ? AND status = 'PENDING'
			""";

	private static final String RELEASE = """
			UPDATE %1$s SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'PENDING'
			""";

	private static final String RELEASE_OWNER = """
			UPDATE %1$s SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND status = 'PENDING'
			""";

	private static final String RELEASE_DUE = "status = 'PENDING'";

	private static final String DUE_LATER = "status IN ('DELAYED', 'RETRYING') AND next_attempt_at <= %1$s";

	private static final String RETRY_NOW = "status = 'PENDING', next_attempt_at = %1$s";

	private static final String UNUSED_KEY_LOCKS = """
			SELECT lock_key FROM %1$s WHERE locked_at < %2$s LIMIT ? FOR UPDATE SKIP LOCKED
			""";

	private static final String DELETE_KEY_LOCKS = "DELETE FROM %1$s WHERE lock_key IN (%2$s)";

	private static final int MAX_ERROR_LENGTH = 1000;

	private final RelayDatabase database;

	private final String markSent;

	private final String markFailed;

	private final String promoteDue;

	private final String releaseRetrying;

	OutboxRows(RelayDatabase database) {
		this.database = database;
		SqlDialect dialect = database.dialect();
		this.markSent = MARK_SENT.formatted(database.table(), dialect.utcNow());
		this.markFailed = MARK_FAILED.formatted(database.table(), dialect.utcNowPlusMillis());
		this.promoteDue = dialect.limitedUpdate(database.table(), RELEASE_DUE, DUE_LATER.formatted(dialect.utcNow()),
				"next_attempt_at");
		this.releaseRetrying = dialect.limitedUpdate(database.table(), RETRY_NOW.formatted(dialect.utcNow()),
				"status = 'RETRYING'", "id");
	}

	/** Marks rows as sent: deletes them, or keeps them as SENT when {@code keep} is set. */
	void markSent(List<SentRow> rows, boolean keep) {
		if (rows.isEmpty()) {
			return;
		}
		this.database.inTransaction(() -> {
			if (keep) {
				this.database.jdbc()
					.batchUpdate(this.markSent,
							rows.stream().map((r) -> new Object[] { r.brokerMessageId(), r.id() }).toList());
			}
			else {
				this.database.jdbc()
					.update(DELETE_SENT.formatted(this.database.table(), JdbcValues.placeholders(rows.size())),
							rows.stream().map(SentRow::id).toArray());
			}
		});
	}

	/** Records failed attempts: each row is rescheduled or, when it is out of attempts, DEAD. */
	void markFailed(List<FailedRow> rows) {
		if (rows.isEmpty()) {
			return;
		}
		this.database.inTransaction(() -> this.database.jdbc()
			.batchUpdate(this.markFailed,
					rows.stream()
						.map((r) -> new Object[] { r.status().name(), r.attempts(), r.refusals(),
								(r.status() == OutboxStatus.DEAD) ? 0 : r.retryAfter().toMillis(), truncate(r.error()), r.id() })
						.toList()));
	}

	/**
	 * Makes DELAYED and RETRYING rows whose time has come PENDING, at most {@code limit} of them, oldest due first;
	 * returns how many.
	 */
	int promoteDue(int limit) {
		return this.database.inTransaction(() -> this.database.jdbc().update(this.promoteDue, limit));
	}

	/**
	 * Makes at most {@code limit} RETRYING rows due now, oldest first: the broker answers again, so the rows that
	 * waited for it need not wait out their backoff; returns how many.
	 */
	int releaseRetrying(int limit) {
		return this.database.inTransaction(() -> this.database.jdbc().update(this.releaseRetrying, limit));
	}

	/**
	 * Deletes at most {@code limit} rows of the ordering-lock table that no transaction used for {@code unused} and
	 * none holds now; returns how many.
	 */
	int deleteUnusedKeyLocks(Duration unused, int limit) {
		String table = this.database.orderingKeyLockTable();
		SqlDialect dialect = this.database.dialect();
		String select = UNUSED_KEY_LOCKS.formatted(table, dialect.utcNowPlusMillis());
		return this.database.inTransaction(() -> {
			List<String> keys = this.database.jdbc().queryForList(select, String.class, -unused.toMillis(), limit);
			if (keys.isEmpty()) {
				return 0;
			}
			return this.database.jdbc()
				.update(DELETE_KEY_LOCKS.formatted(table, JdbcValues.placeholders(keys.size())), keys.toArray());
		});
	}

	/** Gives rows back without counting an attempt, for another round to send. */
	void release(List<Long> ids) {
		if (ids.isEmpty()) {
			return;
		}
		this.database.inTransaction(() -> this.database.jdbc()
			.batchUpdate(this.database.sql(RELEASE), ids.stream().map((id) -> new Object[] { id }).toList()));
	}

	/** Gives back every pending row that {@code owner} holds. */
	int releaseAll(String owner) {
		return this.database.jdbc().update(this.database.sql(RELEASE_OWNER), owner);
	}

	/** Deletes at most {@code limit} SENT rows sent longer than {@code retention} ago. */
	int deleteSentBefore(Duration retention, int limit) {
		String where = "status = 'SENT' AND sent_at < " + this.database.dialect().utcNowPlusMillis();
		return this.database.jdbc()
			.update(this.database.dialect().limitedDelete(this.database.table(), where), -retention.toMillis(), limit);
	}

	private static @Nullable String truncate(@Nullable String error) {
		return (error == null || error.length() <= MAX_ERROR_LENGTH) ? error : error.substring(0, MAX_ERROR_LENGTH);
	}

	/** A row the broker accepted. */
	record SentRow(long id, @Nullable String brokerMessageId) {
	}

	/**
	 * A row whose send failed, with its new state.
	 * @param status DEAD, DELAYED (refused, due again after its backoff) or RETRYING (waiting for the broker)
	 * @param retryAfter how long after now it is due again (ignored for a dead row, which keeps the time of its last
	 * attempt)
	 */
	record FailedRow(long id, int attempts, int refusals, Duration retryAfter, OutboxStatus status,
			@Nullable String error) {
	}

}
