package dev.reliablemessaging.autoconfigure;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * All SQL on the outbox table. Inserts join the caller's transaction; the relay's statements run in short
 * transactions of their own that commit before any network I/O.
 */
final class OutboxStore {

	private static final String INSERT = """
			INSERT INTO %1$s (message_id, topic, tag, message_key, ordering_key, headers, payload, status, attempts,
			                  next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)
			""";

	private static final String COLUMNS = "o.id, o.message_id, o.topic, o.tag, o.message_key, o.ordering_key, "
			+ "o.headers, o.payload, o.attempts, o.created_at, o.status, o.next_attempt_at, o.lease_until";

	/**
	 * The oldest due, unleased rows, read without locks: the window a claim looks at. Bounding it keeps the claim
	 * cheap however many rows wait behind the heads of their ordering keys. Ordering by status (a single value here)
	 * and id matches the (status, id) index, so every database reads it in order and stops at the limit.
	 */
	private static final String CLAIM_WINDOW = """
			SELECT o.id
			FROM %1$s o
			WHERE o.status = 'PENDING' AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until < ?)
			  AND o.id > ? %2$s
			ORDER BY o.status, o.id
			LIMIT ?
			""";

	/**
	 * The rows of the window that are free to send, locked: unordered rows, and the first unsent row of each ordering
	 * key. A later row of a key waits while an earlier one is pending or dead, so a key is never reordered.
	 */
	private static final String CLAIM_HEADS = """
			SELECT %2$s
			FROM %1$s o
			WHERE %3$s
			  AND o.status = 'PENDING' AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until < ?)
			  AND (o.ordering_key IS NULL OR NOT EXISTS (
			      SELECT 1 FROM %1$s e WHERE e.ordering_key = o.ordering_key AND e.id < o.id AND e.status <> 'SENT'))
			ORDER BY o.id
			LIMIT ?
			%4$s
			""";

	/**
	 * Unsent rows (pending or dead) of ordering keys whose head this claim holds, up to the end of the window; the
	 * caller keeps each key's gap-free run of free rows, so a dead row in between ends the run.
	 */
	private static final String CLAIM_FOLLOWERS = """
			SELECT %2$s
			FROM %1$s o
			WHERE o.ordering_key IN (%3$s) AND o.status <> 'SENT' AND o.id > ? AND o.id <= ?
			ORDER BY o.id
			LIMIT ?
			FOR UPDATE
			""";

	private static final String LEASE = "UPDATE %1$s SET lease_owner = ?, lease_until = ? WHERE id IN (%2$s)";

	private static final String DELETE_SENT = "DELETE FROM %1$s WHERE id IN (%2$s)";

	private static final String MARK_SENT = """
			UPDATE %1$s SET status = 'SENT', sent_at = ?, broker_message_id = ?, lease_owner = NULL, lease_until = NULL,
			                last_error = NULL
			WHERE id = ?
			""";

	private static final String MARK_FAILED = """
			UPDATE %1$s SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, lease_owner = NULL,
			                lease_until = NULL
			WHERE id = ? AND status = 'PENDING'
			""";

	private static final String RELEASE = """
			UPDATE %1$s SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'PENDING'
			""";

	private static final String RELEASE_OWNER = """
			UPDATE %1$s SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND status = 'PENDING'
			""";

	private static final int MAX_ERROR_LENGTH = 1000;

	/** How many rows a claim's window holds for each row it may take. */
	private static final int WINDOW_FACTOR = 2;

	/** How many windows past the first a claim may look at when the first holds too few free rows. */
	private static final int EXTRA_WINDOWS = 8;

	private static final TypeReference<Map<String, String>> HEADERS_TYPE = new TypeReference<>() {
	};

	private final Database database;

	private final String table;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate claimTransaction;

	private final TransactionTemplate updateTransaction;

	private final JsonMapper jsonMapper;

	private final RowMapper<ClaimCandidate> candidateMapper = this::mapCandidate;

	/** Where the next claim continues when held-back rows filled every window of the last one; 0 for nowhere. */
	private final AtomicLong resumeAfter = new AtomicLong();

	OutboxStore(DataSource dataSource, Database database, OutboxTables tables, JsonMapper jsonMapper) {
		this.database = database;
		this.table = tables.outbox();
		this.jdbc = new JdbcTemplate(dataSource);
		this.jsonMapper = jsonMapper;
		DataSourceTransactionManager ownTransactions = new DataSourceTransactionManager(dataSource);
		this.updateTransaction = new TransactionTemplate(ownTransactions);
		this.updateTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.claimTransaction = new TransactionTemplate(ownTransactions);
		this.claimTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.claimTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
	}

	/** Inserts a row through the connection bound to the caller's transaction. */
	void insert(NewOutboxRow row) {
		String headers = row.headers().isEmpty() ? null : this.jsonMapper.writeValueAsString(row.headers());
		this.jdbc.update(sql(INSERT), row.messageId(), row.topic(), row.tag(), row.key(), row.orderingKey(), headers,
				row.payload(), timestamp(row.nextAttemptAt()), timestamp(row.createdAt()));
	}

	/**
	 * Claims due rows for {@code owner} until {@code leaseUntil}, in id order, at most {@code limit}.
	 * @param messageIds when not {@code null}, only rows with these message ids are considered
	 */
	List<OutboxRow> claim(String owner, @Nullable Collection<String> messageIds, int limit, Instant now,
			Instant leaseUntil) {
		List<OutboxRow> claimed = this.claimTransaction.execute((status) -> {
			relaxDurability();
			List<ClaimCandidate> rows = selectFree(messageIds, limit, now);
			rows.sort((a, b) -> Long.compare(a.row().id(), b.row().id()));
			if (!rows.isEmpty()) {
				List<Object> args = new ArrayList<>(List.of(owner, timestamp(leaseUntil)));
				rows.forEach((candidate) -> args.add(candidate.row().id()));
				this.jdbc.update(LEASE.formatted(this.table, placeholders(rows.size())), args.toArray());
			}
			return rows.stream().map(ClaimCandidate::row).toList();
		});
		return (claimed != null) ? claimed : List.of();
	}

	/**
	 * Free rows, oldest first, from windows of due rows. When the first window yields less than a batch (rows of
	 * ordering keys held back by a dead, backed-off or leased row can fill it), the claim looks at further windows,
	 * at most {@value #EXTRA_WINDOWS} of them; the next claim resumes where this one stopped, so rows behind any
	 * backlog of held-back rows are reached within a few polls.
	 */
	private List<ClaimCandidate> selectFree(@Nullable Collection<String> messageIds, int limit, Instant now) {
		int windowSize = limit * WINDOW_FACTOR;
		List<ClaimCandidate> rows = new ArrayList<>();
		long after = 0;
		for (int round = 0; round <= EXTRA_WINDOWS; round++) {
			List<Long> window = selectWindow(messageIds, after, windowSize, now);
			if (window.isEmpty()) {
				this.resumeAfter.set(0);
				return rows;
			}
			long windowEnd = window.get(window.size() - 1);
			List<ClaimCandidate> heads = selectHeads(window, messageIds != null, limit - rows.size(), now);
			rows.addAll(heads);
			if (rows.size() < limit) {
				rows.addAll(selectFollowers(heads, limit - rows.size(), now, windowEnd));
			}
			if (rows.size() >= limit || window.size() < windowSize || messageIds != null) {
				if (window.size() < windowSize) {
					this.resumeAfter.set(0);
				}
				return rows;
			}
			after = (round == 0) ? Math.max(windowEnd, this.resumeAfter.get()) : windowEnd;
		}
		this.resumeAfter.set(after);
		return rows;
	}

	/** The ids of the oldest due, unleased rows after {@code after}, ascending. */
	private List<Long> selectWindow(@Nullable Collection<String> messageIds, long after, int size, Instant now) {
		LocalDateTime at = timestamp(now);
		List<Object> args = new ArrayList<>(List.of(at, at, after));
		String idFilter = "";
		if (messageIds != null) {
			if (messageIds.isEmpty()) {
				return List.of();
			}
			idFilter = "AND o.message_id IN (" + placeholders(messageIds.size()) + ")";
			args.addAll(messageIds);
		}
		args.add(size);
		return this.jdbc.queryForList(CLAIM_WINDOW.formatted(this.table, idFilter), Long.class, args.toArray());
	}

	/**
	 * The free rows of the window. The poller's window is given as its id range (two parameters, however large the
	 * batch; the other conditions pick the same rows); the fast path's few rows by their ids.
	 */
	private List<ClaimCandidate> selectHeads(List<Long> window, boolean exact, int limit, Instant now) {
		LocalDateTime at = timestamp(now);
		List<Object> args = new ArrayList<>();
		String range;
		if (exact) {
			range = "o.id IN (" + placeholders(window.size()) + ")";
			args.addAll(window);
		}
		else {
			range = "o.id BETWEEN ? AND ?";
			args.add(window.get(0));
			args.add(window.get(window.size() - 1));
		}
		args.add(at);
		args.add(at);
		args.add(limit);
		String query = CLAIM_HEADS.formatted(this.table, COLUMNS, range, this.database.skipLocked());
		return this.jdbc.query(query, this.candidateMapper, args.toArray());
	}

	/**
	 * The rows that follow each claimed head of an ordering key, as long as they are due and unleased: the first
	 * row that is not ends the key's run, so the run is always a gap-free prefix.
	 */
	private List<ClaimCandidate> selectFollowers(List<ClaimCandidate> heads, int limit, Instant now, long windowEnd) {
		Map<String, Long> headIdByKey = new LinkedHashMap<>();
		for (ClaimCandidate head : heads) {
			if (head.row().ordered()) {
				headIdByKey.put(head.row().orderingKey(), head.row().id());
			}
		}
		if (headIdByKey.isEmpty()) {
			return List.of();
		}
		long smallestHead = Collections.min(headIdByKey.values());
		List<Object> args = new ArrayList<>(headIdByKey.keySet());
		args.add(smallestHead);
		args.add(windowEnd);
		// the heads after the smallest one come back too and are passed over below
		args.add(limit + headIdByKey.size());
		String query = CLAIM_FOLLOWERS.formatted(this.table, COLUMNS, placeholders(headIdByKey.size()));
		List<ClaimCandidate> candidates = this.jdbc.query(query, this.candidateMapper, args.toArray());
		Set<String> endedKeys = new LinkedHashSet<>();
		List<ClaimCandidate> followers = new ArrayList<>();
		for (ClaimCandidate candidate : candidates) {
			String key = candidate.row().orderingKey();
			if (candidate.row().id() <= headIdByKey.get(key) || endedKeys.contains(key)) {
				continue;
			}
			if (candidate.freeAt(now)) {
				followers.add(candidate);
				if (followers.size() == limit) {
					break;
				}
			}
			else {
				endedKeys.add(key);
			}
		}
		return followers;
	}

	/** Marks rows as sent: deletes them, or keeps them as SENT when {@code keep} is set. */
	void markSent(List<SentRow> rows, Instant now, boolean keep) {
		if (rows.isEmpty()) {
			return;
		}
		inOwnTransaction(() -> {
			if (keep) {
				LocalDateTime at = timestamp(now);
				this.jdbc.batchUpdate(sql(MARK_SENT),
						rows.stream().map((r) -> new Object[] { at, r.brokerMessageId(), r.id() }).toList());
			}
			else {
				this.jdbc.update(DELETE_SENT.formatted(this.table, placeholders(rows.size())),
						rows.stream().map(SentRow::id).toArray());
			}
		});
	}

	/** Records failed attempts: each row is rescheduled or, when it has no attempts left, DEAD. */
	void markFailed(List<FailedRow> rows) {
		if (rows.isEmpty()) {
			return;
		}
		inOwnTransaction(() -> this.jdbc.batchUpdate(sql(MARK_FAILED),
				rows.stream()
					.map((r) -> new Object[] { r.dead() ? "DEAD" : "PENDING", r.attempts(),
							timestamp(r.nextAttemptAt()), truncate(r.error()), r.id() })
					.toList()));
	}

	/** Gives rows back without counting an attempt, for another round to send. */
	void release(List<Long> ids) {
		if (ids.isEmpty()) {
			return;
		}
		inOwnTransaction(() -> this.jdbc.batchUpdate(sql(RELEASE),
				ids.stream().map((id) -> new Object[] { id }).toList()));
	}

	/** Gives back every pending row that {@code owner} holds. */
	int releaseAll(String owner) {
		return this.jdbc.update(sql(RELEASE_OWNER), owner);
	}

	/** Deletes at most {@code limit} SENT rows sent before {@code before}. */
	int deleteSentBefore(Instant before, int limit) {
		return this.jdbc.update(this.database.limitedDelete(this.table, "status = 'SENT' AND sent_at < ?"),
				timestamp(before), limit);
	}

	/** Runs a relay update in a short transaction of its own, committed as {@link #relaxDurability()} allows. */
	private void inOwnTransaction(Runnable update) {
		this.updateTransaction.executeWithoutResult((status) -> {
			relaxDurability();
			update.run();
		});
	}

	/**
	 * Lets the relay's own transaction commit without waiting for its log to reach the disk, where the database
	 * allows it per transaction. Losing such a commit in a database crash only undoes a lease or a mark, so the row
	 * is sent again (a duplicate the inbox absorbs); the row itself was written durably by the business transaction.
	 */
	private void relaxDurability() {
		String statement = this.database.relaxedDurability();
		if (statement != null) {
			this.jdbc.execute(statement);
		}
	}

	private ClaimCandidate mapCandidate(ResultSet rs, int rowNum) throws SQLException {
		String headers = rs.getString("headers");
		OutboxRow row = new OutboxRow(rs.getLong("id"), rs.getString("message_id"), rs.getString("topic"),
				rs.getString("tag"), rs.getString("message_key"), rs.getString("ordering_key"),
				(headers != null) ? this.jsonMapper.readValue(headers, HEADERS_TYPE) : Map.of(),
				rs.getBytes("payload"), rs.getInt("attempts"), instant(rs, "created_at"));
		return new ClaimCandidate(row, OutboxStatus.valueOf(rs.getString("status")), instant(rs, "next_attempt_at"),
				nullableInstant(rs, "lease_until"));
	}

	private String sql(String template) {
		return template.formatted(this.table);
	}

	/** {@code ?, ?, ?} for an IN list of {@code count} values. */
	static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

	private static @Nullable String truncate(@Nullable String error) {
		return (error == null || error.length() <= MAX_ERROR_LENGTH) ? error : error.substring(0, MAX_ERROR_LENGTH);
	}

	/** Timestamps are stored as UTC local date-times, so every JVM time zone reads them alike. */
	static LocalDateTime timestamp(Instant instant) {
		return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
	}

	private static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
		LocalDateTime value = rs.getObject(column, LocalDateTime.class);
		return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
	}

	/** A selected row with the fields that decide whether it may be claimed. */
	private record ClaimCandidate(OutboxRow row, OutboxStatus status, Instant nextAttemptAt,
			@Nullable Instant leaseUntil) {

		/** Pending, due and unleased; a dead row is never free, so it ends its key's run. */
		boolean freeAt(Instant now) {
			return this.status == OutboxStatus.PENDING && !this.nextAttemptAt.isAfter(now)
					&& (this.leaseUntil == null || this.leaseUntil.isBefore(now));
		}

	}

	/** A row the broker accepted. */
	record SentRow(long id, @Nullable String brokerMessageId) {
	}

	/** A row whose send failed, with its new state. */
	record FailedRow(long id, int attempts, Instant nextAttemptAt, boolean dead, @Nullable String error) {
	}

}
