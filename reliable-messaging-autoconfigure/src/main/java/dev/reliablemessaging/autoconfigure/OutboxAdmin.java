package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The SQL operators need on the outbox table: counts for metrics and health, dead rows to inspect, replays and
 * removals. Payloads are never read here.
 */
final class OutboxAdmin {

	private static final String COUNT_BY_STATUS = "SELECT status, COUNT(*) FROM %1$s GROUP BY status";

	private static final String OLDEST_PENDING = "SELECT MIN(created_at) FROM %1$s WHERE status = 'PENDING'";

	private static final String DEAD_ROWS = """
			SELECT id, message_id, topic, tag, message_key, ordering_key, attempts, last_error, created_at,
			       next_attempt_at
			FROM %1$s
			WHERE status = 'DEAD' %2$s
			ORDER BY id
			LIMIT ? OFFSET ?
			""";

	private static final String REPLAY_BY_ID = """
			UPDATE %1$s SET status = 'PENDING', attempts = 0, next_attempt_at = ?, last_error = NULL, lease_owner = NULL,
			                lease_until = NULL, sent_at = NULL
			WHERE message_id IN (%2$s) AND status IN ('DEAD', 'SENT')
			""";

	private static final String REPLAY_DEAD_OF_TOPIC = """
			UPDATE %1$s SET status = 'PENDING', attempts = 0, next_attempt_at = ?, last_error = NULL, lease_owner = NULL,
			                lease_until = NULL
			WHERE topic = ? AND status = 'DEAD'
			""";

	private static final String REMOVE_DEAD = "DELETE FROM %1$s WHERE message_id = ? AND status = 'DEAD'";

	/** More ids than this in one replay are refused: a replay that large is a topic replay or a script's job. */
	static final int MAX_REPLAY_IDS = 1_000;

	private final String table;

	private final JdbcTemplate jdbc;

	OutboxAdmin(DataSource dataSource, OutboxTables tables) {
		this.table = tables.outbox();
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/** Number of rows per status. */
	Map<OutboxStatus, Long> countByStatus() {
		Map<OutboxStatus, Long> counts = new EnumMap<>(OutboxStatus.class);
		for (OutboxStatus status : OutboxStatus.values()) {
			counts.put(status, 0L);
		}
		RowCallbackHandler count = (rs) -> counts.put(OutboxStatus.valueOf(rs.getString(1)), rs.getLong(2));
		this.jdbc.query(sql(COUNT_BY_STATUS), count);
		return counts;
	}

	/** Row counts and the creation time of the oldest pending row. */
	Backlog backlog() {
		Map<OutboxStatus, Long> counts = countByStatus();
		LocalDateTime oldest = this.jdbc.queryForObject(sql(OLDEST_PENDING), LocalDateTime.class);
		return new Backlog(counts.get(OutboxStatus.PENDING), counts.get(OutboxStatus.SENT),
				counts.get(OutboxStatus.DEAD), (oldest != null) ? oldest.toInstant(ZoneOffset.UTC) : null);
	}

	/** A page of DEAD rows, oldest first, optionally of one topic. */
	List<DeadRow> deadRows(@Nullable String topic, int offset, int limit) {
		String filter = (topic != null) ? "AND topic = ?" : "";
		Object[] args = (topic != null) ? new Object[] { topic, limit, offset } : new Object[] { limit, offset };
		return this.jdbc.query(DEAD_ROWS.formatted(this.table, filter),
				(rs, rowNum) -> new DeadRow(rs.getString("message_id"), rs.getString("topic"), rs.getString("tag"),
						rs.getString("message_key"), rs.getString("ordering_key"), rs.getInt("attempts"),
						rs.getString("last_error"), OutboxStore.instant(rs, "created_at"),
						OutboxStore.instant(rs, "next_attempt_at")),
				args);
	}

	/**
	 * Puts the DEAD rows (and SENT rows kept by retention) with these message ids back to PENDING with their
	 * attempts reset; returns how many there were.
	 */
	int replay(List<String> messageIds, Instant now) {
		if (messageIds.isEmpty()) {
			return 0;
		}
		if (messageIds.size() > MAX_REPLAY_IDS) {
			throw new IllegalArgumentException("At most " + MAX_REPLAY_IDS + " message ids can be replayed at once; "
					+ messageIds.size() + " were given");
		}
		Object[] args = new Object[messageIds.size() + 1];
		args[0] = OutboxStore.timestamp(now);
		for (int i = 0; i < messageIds.size(); i++) {
			args[i + 1] = messageIds.get(i);
		}
		return this.jdbc.update(REPLAY_BY_ID.formatted(this.table, OutboxStore.placeholders(messageIds.size())), args);
	}

	/** Puts every DEAD row of a topic back to PENDING with its attempts reset; returns how many there were. */
	int replayDead(String topic, Instant now) {
		return this.jdbc.update(sql(REPLAY_DEAD_OF_TOPIC), OutboxStore.timestamp(now), topic);
	}

	/** Deletes a DEAD row; returns whether there was one. */
	boolean removeDead(String messageId) {
		return this.jdbc.update(sql(REMOVE_DEAD), messageId) == 1;
	}

	private String sql(String template) {
		return template.formatted(this.table);
	}

	/** How many rows wait, were kept after sending, or are dead, and since when the oldest pending row waits. */
	record Backlog(long pending, long sent, long dead, @Nullable Instant oldestPendingCreatedAt) {

		/** How long the oldest pending row has waited at {@code now}; zero when no row waits. */
		Duration oldestPendingAge(Instant now) {
			return (this.oldestPendingCreatedAt != null) ? Duration.between(this.oldestPendingCreatedAt, now)
					: Duration.ZERO;
		}

	}

	/** A DEAD row as operators see it: no payload. */
	record DeadRow(String messageId, String topic, @Nullable String tag, @Nullable String key,
			@Nullable String orderingKey, int attempts, @Nullable String lastError, Instant createdAt,
			Instant lastAttemptAt) {
	}

}
