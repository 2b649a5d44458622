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
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A row a claim selected, with the fields that decide whether it may be claimed. */
record ClaimCandidate(OutboxRow row, OutboxStatus status, Instant nextAttemptAt, @Nullable Instant leaseUntil) {

	private static final TypeReference<Map<String, String>> HEADERS_TYPE = new TypeReference<>() {
	};

	static final String COLUMNS = "o.id, o.message_id, o.topic, o.tag, o.message_key, o.ordering_key, "
			+ "o.headers, o.payload, o.attempts, o.refusals, o.created_at, o.status, o.next_attempt_at, o.lease_until";

	/** Maps the {@link #COLUMNS} of a row, reading its headers with this mapper. */
	static RowMapper<ClaimCandidate> mapper(JsonMapper jsonMapper) {
		return (rs, rowNum) -> map(rs, jsonMapper);
	}

	private static ClaimCandidate map(ResultSet rs, JsonMapper jsonMapper) throws SQLException {
		String headers = rs.getString("headers");
		OutboxRow row = new OutboxRow(rs.getLong("id"), rs.getString("message_id"), rs.getString("topic"),
				rs.getString("tag"), rs.getString("message_key"), rs.getString("ordering_key"),
				(headers != null) ? jsonMapper.readValue(headers, HEADERS_TYPE) : Map.of(),
				rs.getBytes("payload"), rs.getInt("attempts"), rs.getInt("refusals"),
				JdbcValues.instant(rs, "created_at"));
		return new ClaimCandidate(row, OutboxStatus.valueOf(rs.getString("status")),
				JdbcValues.instant(rs, "next_attempt_at"), JdbcValues.nullableInstant(rs, "lease_until"));
	}

	/** Of the candidates, each key's rows after its head up to the first that is not free. */
	static List<ClaimCandidate> runsOfFreeRows(List<ClaimCandidate> candidates, Map<OrderingScope, Long> headIdByScope,
			Instant now) {
		Set<OrderingScope> ended = new HashSet<>();
		List<ClaimCandidate> runs = new ArrayList<>();
		for (ClaimCandidate candidate : candidates) {
			OrderingScope scope = candidate.row().scope();
			Long headId = headIdByScope.get(scope);
			if (headId == null || candidate.row().id() <= headId || ended.contains(scope)) {
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

	/** Pending, due and unleased; a dead row is never free, so it ends its key's run. */
	boolean freeAt(Instant now) {
		return this.status == OutboxStatus.PENDING && !this.nextAttemptAt.isAfter(now)
				&& (this.leaseUntil == null || this.leaseUntil.isBefore(now));
	}

}
