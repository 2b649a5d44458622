package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRow.OrderingScope;
import org.jspecify.annotations.Nullable;

/**
 * Claims outbox rows for a relay: a short transaction reads a window of the oldest due rows without locks, locks the
 * free ones with {@code SKIP LOCKED} and stamps a lease, and commits before any network I/O. Ordered rows are claimed
 * as the first unsent row of their topic and key plus its gap-free run of free followers, so a key is never
 * reordered and a failed or dead row holds back the rest of its key. No statement waits for a lock another
 * transaction holds. Times are the database's.
 */
final class OutboxClaims {

	private static final String FREE = "o.status = 'PENDING' AND o.next_attempt_at <= ? "
			+ "AND (o.lease_until IS NULL OR o.lease_until < ?)";

	/**
	 * The oldest due, unleased rows, read without locks: the window a claim looks at. Bounding it keeps the claim
	 * cheap however many rows wait behind the heads of their ordering keys. Ordering by status (a single value here)
	 * and id matches the (status, id) index, so every database reads it in order and stops at the limit.
	 */
	private static final String WINDOW = """
			SELECT o.id
			FROM %1$s o
			WHERE %2$s AND o.id > ? %3$s
			ORDER BY o.status, o.id
			LIMIT ?
			""";

	/**
	 * The rows of the window that are free to send, locked: unordered rows, and the first unsent row of each topic
	 * and ordering key. A later row of a key waits while an earlier one is pending or dead, so a key is never
	 * reordered.
	 */
	private static final String HEADS = """
			SELECT %2$s
			FROM %1$s o
			WHERE %3$s AND %4$s
			  AND (o.ordering_key IS NULL OR NOT EXISTS (
			      SELECT 1 FROM %1$s e
			      WHERE e.topic = o.topic AND e.ordering_key = o.ordering_key AND e.id < o.id AND e.status <> 'SENT'))
			ORDER BY o.id
			LIMIT ?
			%5$s
			""";

	/**
	 * Unsent rows (pending or dead) of the keys whose heads this claim holds, up to the end of the window, read
	 * without locks; each key keeps its gap-free run of free rows, so a dead row in between ends the run.
	 */
	private static final String FOLLOWERS = """
			SELECT %2$s
			FROM %1$s o
			WHERE (o.topic, o.ordering_key) IN (%3$s) AND o.status <> 'SENT' AND o.id > ? AND o.id <= ?
			ORDER BY o.id
			LIMIT ?
			""";

	/** The followers that are still free, locked; one that another claim holds ends its key's run. */
	private static final String LOCK_FREE = "SELECT o.id FROM %1$s o WHERE o.id IN (%2$s) AND %3$s %4$s";

	/** How many rows a claim's window holds for each row it may take. */
	private static final int WINDOW_FACTOR = 2;

	/** How many windows past the first the poller may look at when the first holds too few free rows. */
	private static final int EXTRA_WINDOWS = 8;

	private final RelayDatabase database;

	private final ClaimLease lease;

	/**
	 * Where the poller's next claim continues when held-back rows filled every window of its last one; 0 for
	 * nowhere. Only the poller moves it: the fast path claims named rows and leaves it alone.
	 */
	private final AtomicLong resumeAfter = new AtomicLong();

	/**
	 * @param maxClaimBytes how many payload bytes one claim may hold (at least one row, whatever its size): what a
	 * relay holds in memory is bounded by its claims, not by the rows they look at
	 */
	OutboxClaims(RelayDatabase database, long maxClaimBytes) {
		this.database = database;
		this.lease = new ClaimLease(database, maxClaimBytes);
	}

	/**
	 * The poller's claim: due rows in id order, at most {@code limit}, leased to {@code owner}. When the first window
	 * yields less than a batch (rows of keys held back by a dead, backed-off or leased row can fill it), it looks at
	 * further windows, at most {@value #EXTRA_WINDOWS} of them, and the next claim resumes where this one stopped, so
	 * rows behind any backlog of held-back rows are reached within a few polls.
	 */
	Claim claimDue(String owner, int limit, Duration lease) {
		return claim(owner, lease, (now) -> {
			int windowSize = limit * WINDOW_FACTOR;
			List<ClaimCandidate> rows = new ArrayList<>();
			long after = 0;
			for (int round = 0; round <= EXTRA_WINDOWS; round++) {
				List<Long> window = selectWindow(null, after, windowSize, now);
				if (window.isEmpty()) {
					this.resumeAfter.set(0);
					return rows;
				}
				long windowEnd = window.get(window.size() - 1);
				takeFree(rows, window, false, limit, now);
				if (rows.size() >= limit || window.size() < windowSize) {
					if (window.size() < windowSize) {
						this.resumeAfter.set(0);
					}
					return rows;
				}
				after = (round == 0) ? Math.max(windowEnd, this.resumeAfter.get()) : windowEnd;
			}
			this.resumeAfter.set(after);
			return rows;
		});
	}

	/** The fast path's claim: of the rows with these message ids, those free to send now. */
	Claim claimWritten(String owner, Collection<String> messageIds, int limit, Duration lease) {
		return claim(owner, lease, (now) -> {
			List<ClaimCandidate> rows = new ArrayList<>();
			List<Long> window = selectWindow(messageIds, 0, Math.max(limit, messageIds.size()), now);
			if (!window.isEmpty()) {
				takeFree(rows, window, true, limit, now);
			}
			return rows;
		});
	}

	private Claim claim(String owner, Duration lease, Selection selection) {
		long started = System.nanoTime();
		Claim claim = this.database.inTransaction(() -> {
			Instant now = this.database.now();
			List<ClaimCandidate> selected = selection.select(now);
			selected.sort((a, b) -> Long.compare(a.id(), b.id()));
			List<OutboxRow> rows = this.lease.take(owner, now.plus(lease), selected);
			return new Claim(rows, started + lease.toNanos());
		});
		return (claim != null) ? claim : new Claim(List.of(), started);
	}

	/** Adds the free rows of a window: its heads, then the runs of free rows that follow the ordered heads. */
	private void takeFree(List<ClaimCandidate> rows, List<Long> window, boolean exact, int limit, Instant now) {
		List<ClaimCandidate> heads = selectHeads(window, exact, limit - rows.size(), now);
		rows.addAll(heads);
		if (rows.size() < limit) {
			rows.addAll(selectFollowers(heads, limit - rows.size(), now, window.get(window.size() - 1)));
		}
	}

	/** The ids of the oldest due, unleased rows after {@code after}, ascending. */
	private List<Long> selectWindow(@Nullable Collection<String> messageIds, long after, int size, Instant now) {
		Object at = JdbcValues.timestamp(now);
		List<Object> args = new ArrayList<>(List.of(at, at, after));
		String idFilter = "";
		if (messageIds != null) {
			if (messageIds.isEmpty()) {
				return List.of();
			}
			idFilter = "AND o.message_id IN (" + JdbcValues.placeholders(messageIds.size()) + ")";
			args.addAll(messageIds);
		}
		args.add(size);
		return this.database.jdbc()
			.queryForList(WINDOW.formatted(this.database.table(), FREE, idFilter), Long.class, args.toArray());
	}

	/**
	 * The free rows of the window. The poller's window is given as its id range (two parameters, however large the
	 * batch; the other conditions pick the same rows); the fast path's few rows by their ids.
	 */
	private List<ClaimCandidate> selectHeads(List<Long> window, boolean exact, int limit, Instant now) {
		Object at = JdbcValues.timestamp(now);
		List<Object> args = new ArrayList<>();
		String range;
		if (exact) {
			range = "o.id IN (" + JdbcValues.placeholders(window.size()) + ")";
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
		String query = HEADS.formatted(this.database.table(), ClaimCandidate.COLUMNS, range, FREE,
				this.database.dialect().skipLocked());
		return this.database.jdbc().query(query, ClaimCandidate.MAPPER, args.toArray());
	}

	/**
	 * The rows that follow each claimed head of an ordering key, as long as they are due, unleased and not locked by
	 * another claim: the first row that is not ends the key's run, so the run is always a gap-free prefix.
	 */
	private List<ClaimCandidate> selectFollowers(List<ClaimCandidate> heads, int limit, Instant now, long windowEnd) {
		Map<OrderingScope, Long> headIdByScope = new LinkedHashMap<>();
		for (ClaimCandidate head : heads) {
			if (head.ordered()) {
				headIdByScope.put(head.scope(), head.id());
			}
		}
		if (headIdByScope.isEmpty()) {
			return List.of();
		}
		List<Object> args = new ArrayList<>();
		headIdByScope.keySet().forEach((scope) -> {
			args.add(scope.topic());
			args.add(scope.orderingKey());
		});
		args.add(Collections.min(headIdByScope.values()));
		args.add(windowEnd);
		// the heads after the smallest one come back too and are passed over below
		args.add(limit + headIdByScope.size());
		String pairs = String.join(", ", Collections.nCopies(headIdByScope.size(), "(?, ?)"));
		String query = FOLLOWERS.formatted(this.database.table(), ClaimCandidate.COLUMNS, pairs);
		List<ClaimCandidate> candidates = this.database.jdbc().query(query, ClaimCandidate.MAPPER, args.toArray());
		List<ClaimCandidate> runs = ClaimCandidate.runsOfFreeRows(candidates, headIdByScope, now);
		return lockedPrefixes(runs, limit, now);
	}

	/**
	 * Locks the rows of the runs that are still free, passing over those another claim holds, and keeps each key's
	 * run up to its first row that could not be locked.
	 */
	private List<ClaimCandidate> lockedPrefixes(List<ClaimCandidate> runs, int limit, Instant now) {
		if (runs.isEmpty()) {
			return List.of();
		}
		Object at = JdbcValues.timestamp(now);
		List<Object> args = new ArrayList<>();
		runs.forEach((candidate) -> args.add(candidate.id()));
		args.add(at);
		args.add(at);
		String query = LOCK_FREE.formatted(this.database.table(), JdbcValues.placeholders(runs.size()), FREE,
				this.database.dialect().skipLocked());
		Set<Long> locked = new HashSet<>(this.database.jdbc().queryForList(query, Long.class, args.toArray()));
		Set<OrderingScope> ended = new LinkedHashSet<>();
		List<ClaimCandidate> followers = new ArrayList<>();
		for (ClaimCandidate candidate : runs) {
			OrderingScope scope = candidate.scope();
			if (ended.contains(scope)) {
				continue;
			}
			if (!locked.contains(candidate.id())) {
				ended.add(scope);
				continue;
			}
			followers.add(candidate);
			if (followers.size() == limit) {
				break;
			}
		}
		return followers;
	}

	/** How a claim picks its rows, given the database's time. */
	private interface Selection {

		List<ClaimCandidate> select(Instant now);

	}

}
