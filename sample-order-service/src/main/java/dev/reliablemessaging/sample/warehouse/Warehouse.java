package dev.reliablemessaging.sample.warehouse;

import java.sql.Timestamp;
import java.time.Instant;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.sample.Topics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reserves stock for placed orders. The stock change, the decision row and the answer message commit in the
 * listener's transaction, with its inbox row.
 */
@Component
public class Warehouse {

	private final JdbcTemplate jdbc;

	private final OutboxPublisher publisher;

	Warehouse(JdbcTemplate jdbc, OutboxPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
	}

	@ReliableListener(topic = Topics.ORDER_PLACED, consumerGroup = "warehouse")
	public void onOrderPlaced(OrderPlacedEvent order) {
		boolean reserved = this.jdbc.update(
				"UPDATE stock SET available = available - ? WHERE sku = ? AND available >= ?", order.quantity(),
				order.sku(), order.quantity()) == 1;
		this.jdbc.update("INSERT INTO stock_decisions (order_id, sku, quantity, outcome, decided_at) VALUES (?, ?, ?, ?, ?)",
				order.orderId(), order.sku(), order.quantity(), reserved ? "RESERVED" : "REJECTED",
				Timestamp.from(Instant.now()));
		Object answer = reserved ? new StockReserved(order.orderId(), order.sku(), order.quantity())
				: new StockRejected(order.orderId(), order.sku(), order.quantity(), "not enough stock");
		this.publisher.publish(OutboundMessage.builder(reserved ? Topics.STOCK_RESERVED : Topics.STOCK_REJECTED)
			.key(order.orderId())
			.payload(answer)
			.build());
	}

}
