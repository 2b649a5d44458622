package dev.reliablemessaging.test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import static org.awaitility.Awaitility.await;

/**
 * Reads the outbox table of the application under test: what is still to be sent, what ran out of attempts, and
 * waits for the relay with failure messages that list the rows concerned.
 */
public class OutboxAssertions {

	private static final RowMapper<OutboxRow> ROW = (rs, n) -> new OutboxRow(rs.getString("message_id"),
			rs.getString("topic"), rs.getString("tag"), rs.getString("message_key"), rs.getString("ordering_key"),
			rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error"));

	private final JdbcTemplate jdbc;

	private final String select;

	OutboxAssertions(JdbcTemplate jdbc, String outboxTable) {
		this.jdbc = jdbc;
		this.select = "SELECT message_id, topic, tag, message_key, ordering_key, status, attempts, last_error FROM "
				+ outboxTable;
	}

	/** The rows not sent yet: due, due later (a delivery delay, a backoff) or waiting for the broker; oldest first. */
	public List<OutboxRow> pending() {
		return rows("PENDING", "DELAYED", "RETRYING");
	}

	/** The rows that ran out of attempts, oldest first. */
	public List<OutboxRow> dead() {
		return rows("DEAD");
	}

	/**
	 * Waits until the relay has sent everything committed so far: no row is pending, and none is dead. Fails with
	 * the rows still pending when the time runs out, or with the dead rows: a row the broker refused for good was
	 * not delivered.
	 */
	public void awaitDrained(Duration timeout) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> pending().isEmpty());
		}
		catch (ConditionTimeoutException ex) {
			List<OutboxRow> left = pending();
			throw new AssertionError("The outbox did not drain within " + timeout + ": " + left.size()
					+ " rows are pending" + list(left), ex);
		}
		List<OutboxRow> dead = dead();
		if (!dead.isEmpty()) {
			throw new AssertionError("The outbox drained, but " + dead.size() + " rows are dead (the broker refused "
					+ "them for good) and were not delivered" + list(dead));
		}
	}

	/** Waits until the row of {@code messageId} is dead, and returns it; fails with the row as it is otherwise. */
	public OutboxRow awaitDead(String messageId, Duration timeout) {
		try {
			return await().atMost(timeout)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> row(messageId), (row) -> row.isPresent() && row.get().status().equals("DEAD"))
				.orElseThrow();
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Message " + messageId + " was not dead within " + timeout + ": "
					+ row(messageId).map(OutboxRow::toString).orElse("the outbox has no such row"), ex);
		}
	}

	private Optional<OutboxRow> row(String messageId) {
		return this.jdbc.query(this.select + " WHERE message_id = ?", ROW, messageId).stream().findFirst();
	}

	private List<OutboxRow> rows(String... statuses) {
		String in = String.join(", ", java.util.Collections.nCopies(statuses.length, "?"));
		return this.jdbc.query(this.select + " WHERE status IN (" + in + ") ORDER BY id", ROW, (Object[]) statuses);
	}

	private static String list(List<OutboxRow> rows) {
		return rows.stream().map(OutboxRow::toString).collect(Collectors.joining("\n  ", ":\n  ", ""));
	}

}
