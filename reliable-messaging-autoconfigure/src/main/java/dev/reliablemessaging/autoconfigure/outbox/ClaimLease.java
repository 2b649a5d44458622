package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRow.OrderingScope;

/**
 * The last step of a claim, in its transaction: takes the selected rows that fit the claim's size, leases them and
 * reads their payloads, so that only the rows a relay sends are in its memory.
 */
final class ClaimLease {

	private static final String LEASE = "UPDATE %1$s SET lease_owner = ?, lease_until = ? WHERE id IN (%2$s)";

	private static final String PAYLOADS = "SELECT id, payload FROM %1$s WHERE id IN (%2$s)";

	/** A row whose headers the starter cannot read was not written by it: it is dead at once, naming the reason. */
	private static final String UNREADABLE = """
			UPDATE %1$s SET status = 'DEAD', last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?
			""";

	private final RelayDatabase database;

	private final long maxClaimBytes;

	ClaimLease(RelayDatabase database, long maxClaimBytes) {
		this.database = database;
		this.maxClaimBytes = maxClaimBytes;
	}

	/** Leases the first of {@code selected} (in id order) that fit the claim's size to {@code owner}, as rows. */
	List<OutboxRow> take(String owner, Instant leaseUntil, List<ClaimCandidate> selected) {
		return takeAll(owner, leaseUntil, withinSize(selected));
	}

	/** The first candidates, in id order, whose payloads fit the claim's size; at least one. */
	private List<ClaimCandidate> withinSize(List<ClaimCandidate> selected) {
		long bytes = 0;
		for (int i = 0; i < selected.size(); i++) {
			bytes += selected.get(i).payloadSize();
			if (bytes > this.maxClaimBytes && i > 0) {
				return selected.subList(0, i);
			}
		}
		return selected;
	}

	/**
	 * Leases the candidates to {@code owner} and reads their payloads. A row whose headers cannot be read is made
	 * dead instead, and the later rows of its key are left alone: a dead row holds its key back.
	 */
	private List<OutboxRow> takeAll(String owner, Instant leaseUntil, List<ClaimCandidate> candidates) {
		Map<Long, Map<String, String>> headers = new HashMap<>();
		Set<OrderingScope> held = new HashSet<>();
		List<ClaimCandidate> taken = new ArrayList<>();
		for (ClaimCandidate candidate : candidates) {
			if (candidate.ordered() && held.contains(candidate.scope())) {
				continue;
			}
			try {
				headers.put(candidate.id(), (candidate.headers() != null) ? HeaderFormat.read(candidate.headers()) : Map.of());
				taken.add(candidate);
			}
			catch (IllegalArgumentException ex) {
				this.database.jdbc().update(this.database.sql(UNREADABLE), ex.getMessage(), candidate.id());
				if (candidate.ordered()) {
					held.add(candidate.scope());
				}
			}
		}
		if (taken.isEmpty()) {
			return List.of();
		}
		List<Object> args = new ArrayList<>(List.of(owner, JdbcValues.timestamp(leaseUntil)));
		taken.forEach((candidate) -> args.add(candidate.id()));
		String ids = JdbcValues.placeholders(taken.size());
		this.database.jdbc().update(LEASE.formatted(this.database.table(), ids), args.toArray());
		Map<Long, byte[]> payloads = new HashMap<>();
		this.database.jdbc()
			.query(PAYLOADS.formatted(this.database.table(), ids),
					(rs) -> {
						payloads.put(rs.getLong(1), rs.getBytes(2));
					}, taken.stream().map(ClaimCandidate::id).toArray());
		return taken.stream().map((c) -> c.toRow(headers.get(c.id()), payloads.get(c.id()))).toList();
	}

}
