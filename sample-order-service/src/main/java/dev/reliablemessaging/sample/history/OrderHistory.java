package dev.reliablemessaging.sample.history;

import java.sql.Timestamp;
import java.time.Instant;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.sample.Topics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Applies each order's status changes in order, one at a time per order (an orderly listener): the history of an
 * order is its changes in the order they were applied.
 */
@Component
public class OrderHistory {

	private final JdbcTemplate jdbc;

	OrderHistory(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@ReliableListener(topic = Topics.ORDER_STATUS, consumerGroup = "order-history", orderly = true)
	public void onStatusChanged(OrderStatusChanged change) {
		record(this.jdbc, change);
	}

	/** Appends a status change to the order's history, in the caller's transaction. */
	public static void record(JdbcTemplate jdbc, OrderStatusChanged change) {
		jdbc.update("INSERT INTO order_history (order_id, seq, status, applied_at) VALUES (?, ?, ?, ?)",
				change.orderId(), change.seq(), change.status(), Timestamp.from(Instant.now()));
	}

}
