package dev.reliablemessaging.autoconfigure.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRow.OrderingScope;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;

/**
 * A row a claim looked at: what decides whether it may be claimed and everything of it but its payload, which is
 * read only for the rows the claim takes.
 * @param headers the headers column as stored
 * @param payloadSize the payload's size in bytes
 */
record ClaimCandidate(long id, String messageId, String topic, @Nullable String tag, @Nullable String key,
		@Nullable String orderingKey, @Nullable String headers, long payloadSize, int attempts, int refusals,
		Instant createdAt, OutboxStatus status, Instant nextAttemptAt, @Nullable Instant leaseUntil) {

	static final String COLUMNS = "o.id, o.message_id, o.topic, o.tag, o.message_key, o.ordering_key, o.headers, "
			+ "OCTET_LENGTH(o.payload) AS payload_size, o.attempts, o.refusals, o.created_at, o.status, "
			+ "o.next_attempt_at, o.lease_until";

	static final RowMapper<ClaimCandidate> MAPPER = ClaimCandidate::map;

	private static ClaimCandidate map(ResultSet rs, int rowNum) throws SQLException {
		return new ClaimCandidate(rs.getLong("id"), rs.getString("message_id"), rs.getString("topic"),
				rs.getString("tag"), rs.getString("message_key"), rs.getString("ordering_key"), rs.getString("headers"),
				rs.getLong("payload_size"), rs.getInt("attempts"), rs.getInt("refusals"),
				JdbcValues.instant(rs, "created_at"), OutboxStatus.valueOf(rs.getString("status")),
				JdbcValues.instant(rs, "next_attempt_at"), JdbcValues.nullableInstant(rs, "lease_until"));
	}

	/** The scope in which rows keep their order: topic and ordering key; {@code null} for an unordered row. */
	@Nullable OrderingScope scope() {
		return (this.orderingKey != null) ? new OrderingScope(this.topic, this.orderingKey) : null;
	}

	boolean ordered() {
		return this.orderingKey != null;
	}

	/** The row to send, with its headers read and its payload. */
	OutboxRow toRow(Map<String, String> headers, byte[] payload) {
		return new OutboxRow(this.id, this.messageId, this.topic, this.tag, this.key, this.orderingKey, headers, payload,
				this.attempts, this.refusals, this.createdAt);
	}

	/** Of the candidates, each key's rows after its head up to the first that is not free. */
	static List<ClaimCandidate> runsOfFreeRows(List<ClaimCandidate> candidates, Map<OrderingScope, Long> headIdByScope,
			Instant now) {
		Set<OrderingScope> ended = new HashSet<>();
		List<ClaimCandidate> runs = new ArrayList<>();
		for (ClaimCandidate candidate : candidates) {
			OrderingScope scope = candidate.scope();
			Long headId = headIdByScope.get(scope);
			if (headId == null || candidate.id() <= headId || ended.contains(scope)) {
				continue;
			}
			if (candidate.freeAt(now)) {
				runs.add(candidate);
			}
			else {
				ended.add(scope);
			}
		}
		return runs;
	}

	/** Pending, due and unleased; any other row (dead, delayed, retrying) ends its key's run. */
	boolean freeAt(Instant now) {
		return this.status == OutboxStatus.PENDING && !this.nextAttemptAt.isAfter(now)
				&& (this.leaseUntil == null || this.leaseUntil.isBefore(now));
	}

}
