package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The SQL operators need on the outbox table: counts for metrics and health, dead rows to inspect, replays and
 * removals. Payloads are never read here.
 */
public final class OutboxAdmin {

	private static final String COUNT_BY_STATUS = "SELECT status, COUNT(*) FROM %1$s GROUP BY status";

	/** When the oldest due row became due: an index lookup, whatever the backlog. */
	private static final String OLDEST_DUE = "SELECT MIN(next_attempt_at), %2$s FROM %1$s WHERE status = 'PENDING'";

	/** When the oldest row that waits for the broker was written: an index lookup, whatever the backlog. */
	private static final String OLDEST_RETRYING = """
			SELECT created_at, %2$s FROM %1$s WHERE id = (SELECT MIN(id) FROM %1$s WHERE status = 'RETRYING')
			""";

	private static final String DEAD_ROWS = """
			SELECT id, message_id, topic, tag, message_key, ordering_key, attempts, last_error, created_at,
			       next_attempt_at
			FROM %1$s
			WHERE status = 'DEAD' %2$s
			ORDER BY id
			LIMIT ? OFFSET ?
			""";

	private static final String REPLAY_BY_ID = """
			UPDATE %1$s SET status = 'PENDING', attempts = 0, refusals = 0, next_attempt_at = %3$s, last_error = NULL,
			                lease_owner = NULL, lease_until = NULL, sent_at = NULL
			WHERE message_id IN (%2$s) AND status IN ('DEAD', 'SENT')
			""";

	private static final String REPLAY_DEAD_OF_TOPIC = """
			UPDATE %1$s SET status = 'PENDING', attempts = 0, refusals = 0, next_attempt_at = %2$s, last_error = NULL,
			                lease_owner = NULL, lease_until = NULL
			WHERE topic = ? AND status = 'DEAD'
			""";

	private static final String REMOVE_DEAD = "DELETE FROM %1$s WHERE message_id = ? AND status = 'DEAD'";

	/** How long the queries for metrics and health may take. */
	private static final int QUERY_TIMEOUT_SECONDS = 10;

	/** More ids than this in one replay are refused: a replay that large is a topic replay or a script's job. */
	static final int MAX_REPLAY_IDS = 1_000;

	private final String table;

	private final SqlDialect database;

	private final JdbcTemplate jdbc;

	private final Duration replayHorizon;

	/**
	 * @param replayHorizon how old a row may be and still be replayed without {@code force}: the consumers' dedup
	 * window, after which a consumer that processed the row no longer recognises it
	 */
	OutboxAdmin(DataSource dataSource, SqlDialect database, MessagingTables tables, Duration replayHorizon) {
		this.table = tables.outbox();
		this.database = database;
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
		this.replayHorizon = replayHorizon;
	}

	/** Number of rows per status. */
	public Map<OutboxStatus, Long> countByStatus() {
		Map<OutboxStatus, Long> counts = new EnumMap<>(OutboxStatus.class);
		for (OutboxStatus status : OutboxStatus.values()) {
			counts.put(status, 0L);
		}
		RowCallbackHandler count = (rs) -> counts.put(OutboxStatus.valueOf(rs.getString(1)), rs.getLong(2));
		this.jdbc.query(sql(COUNT_BY_STATUS), count);
		return counts;
	}

	/** Row counts and how long the longest-waiting row has waited, by the database's clock. */
	public Backlog backlog() {
		Map<OutboxStatus, Long> counts = countByStatus();
		return new Backlog(counts.get(OutboxStatus.PENDING), counts.get(OutboxStatus.DELAYED),
				counts.get(OutboxStatus.RETRYING), counts.get(OutboxStatus.SENT), counts.get(OutboxStatus.DEAD),
				longestWait());
	}

	/**
	 * How long the row that waits longest beyond its due time has waited: a due row not sent yet, from when it
	 * became due, or a row that waits for the broker, from when it was written. Rows due later (a delivery delay, a
	 * backoff after a refusal) are planned work and do not count. Two index lookups, whatever the backlog.
	 */
	public Duration longestWait() {
		Duration due = age(OLDEST_DUE);
		Duration retrying = age(OLDEST_RETRYING);
		return (due.compareTo(retrying) >= 0) ? due : retrying;
	}

	private Duration age(String query) {
		List<Duration> ages = this.jdbc.query(query.formatted(this.table, this.database.utcNow()), (rs, rowNum) -> {
			LocalDateTime since = rs.getObject(1, LocalDateTime.class);
			LocalDateTime now = rs.getObject(2, LocalDateTime.class);
			return (since != null && since.isBefore(now)) ? Duration.between(since, now) : Duration.ZERO;
		});
		return ages.isEmpty() ? Duration.ZERO : ages.get(0);
	}

	/** A page of DEAD rows, oldest first, optionally of one topic. */
	public List<DeadRow> deadRows(@Nullable String topic, int offset, int limit) {
		String filter = (topic != null) ? "AND topic = ?" : "";
		Object[] args = (topic != null) ? new Object[] { topic, limit, offset } : new Object[] { limit, offset };
		return this.jdbc.query(DEAD_ROWS.formatted(this.table, filter),
				(rs, rowNum) -> new DeadRow(rs.getString("message_id"), rs.getString("topic"), rs.getString("tag"),
						rs.getString("message_key"), rs.getString("ordering_key"), rs.getInt("attempts"),
						rs.getString("last_error"), JdbcValues.instant(rs, "created_at"),
						JdbcValues.instant(rs, "next_attempt_at")),
				args);
	}

	/**
	 * Puts the DEAD rows (and SENT rows kept by retention) with these message ids back to PENDING with their
	 * attempts reset; returns how many there were.
	 */
	public int replay(List<String> messageIds, boolean force) {
		if (messageIds.isEmpty()) {
			return 0;
		}
		if (messageIds.size() > MAX_REPLAY_IDS) {
			throw new IllegalArgumentException("At most " + MAX_REPLAY_IDS + " message ids can be replayed at once; "
					+ messageIds.size() + " were given");
		}
		if (!force) {
			requireWithinHorizon("message_id IN (" + JdbcValues.placeholders(messageIds.size()) + ")",
					messageIds.toArray());
		}
		return this.jdbc.update(REPLAY_BY_ID.formatted(this.table, JdbcValues.placeholders(messageIds.size()),
				this.database.utcNow()), messageIds.toArray());
	}

	/** Puts every DEAD row of a topic back to PENDING with its attempts reset; returns how many there were. */
	public int replayDead(String topic, boolean force) {
		if (!force) {
			requireWithinHorizon("topic = ? AND status = 'DEAD'", topic);
		}
		return this.jdbc.update(REPLAY_DEAD_OF_TOPIC.formatted(this.table, this.database.utcNow()), topic);
	}

	/**
	 * Refuses a replay of rows older than the horizon: a consumer may have processed one of them (a send that timed
	 * out after the broker stored it) and forgotten it since, and would apply it twice.
	 */
	private void requireWithinHorizon(String where, Object... args) {
		Object[] withAge = new Object[args.length + 1];
		System.arraycopy(args, 0, withAge, 0, args.length);
		withAge[args.length] = -this.replayHorizon.toMillis();
		Long old = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.table + " WHERE " + where
				+ " AND status IN ('DEAD', 'SENT') AND created_at < " + this.database.utcNowPlusMillis(), Long.class,
				withAge);
		if (old != null && old > 0) {
			throw new IllegalArgumentException(old + " of the rows are older than the consumers' dedup window ("
					+ this.replayHorizon + ", reliable-messaging.consumer.dedup-window): a consumer that processed one "
					+ "of them no longer recognises it and would apply it again. Replay with force=true if that is "
					+ "what you want.");
		}
	}

	/** Deletes a DEAD row; returns whether there was one. */
	public boolean removeDead(String messageId) {
		return this.jdbc.update(sql(REMOVE_DEAD), messageId) == 1;
	}

	private String sql(String template) {
		return template.formatted(this.table);
	}

	/**
	 * How many rows wait (due now, due later, waiting for the broker), were kept after sending, or are dead, and
	 * how long the longest-waiting row has waited beyond its due time (zero when none does).
	 */
	public record Backlog(long due, long delayed, long retrying, long sent, long dead, Duration longestWait) {

		/** Rows not sent yet and not dead. */
		public long pending() {
			return this.due + this.delayed + this.retrying;
		}

	}

	/** A DEAD row as operators see it: no payload. */
	public record DeadRow(String messageId, String topic, @Nullable String tag, @Nullable String key,
			@Nullable String orderingKey, int attempts, @Nullable String lastError, Instant createdAt,
			Instant lastAttemptAt) {
	}

}
