package dev.reliablemessaging.sample.warehouse;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.sample.Topics;
import dev.reliablemessaging.sample.history.OrderStatusChanged;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reserves stock for placed orders. The stock change, the decision row, the answer message and the order's status
 * change commit in the listener's transaction, with its inbox row.
 */
@Component
public class Warehouse {

	private final JdbcTemplate jdbc;

	private final OutboxPublisher publisher;

	private final Duration processingTime;

	Warehouse(JdbcTemplate jdbc, OutboxPublisher publisher,
			@Value("${warehouse.processing-time:0ms}") Duration processingTime) {
		this.jdbc = jdbc;
		this.publisher = publisher;
		this.processingTime = processingTime;
	}

	@ReliableListener(topic = Topics.ORDER_PLACED, consumerGroup = "warehouse")
	public void onOrderPlaced(OrderPlacedEvent order) {
		boolean reserved = reserve(this.jdbc, order, this.processingTime);
		Object answer = reserved ? new StockReserved(order.orderId(), order.sku(), order.quantity())
				: new StockRejected(order.orderId(), order.sku(), order.quantity(), "not enough stock");
		this.publisher.publish(OutboundMessage.builder(reserved ? Topics.STOCK_RESERVED : Topics.STOCK_REJECTED)
			.key(order.orderId())
			.payload(answer)
			.build());
		this.publisher.publish(OutboundMessage.builder(Topics.ORDER_STATUS)
			.key(order.orderId())
			.orderingKey(order.orderId())
			.payload(OrderStatusChanged.decided(order.orderId(), reserved))
			.build());
	}

	/**
	 * Takes the stock for an order if there is enough and records the decision, in the caller's transaction;
	 * {@code processingTime} stands for slower work (the fault tests use it to be inside the transaction).
	 * @return whether the stock was reserved
	 */
	public static boolean reserve(JdbcTemplate jdbc, OrderPlacedEvent order, Duration processingTime) {
		boolean reserved = jdbc.update(
				"UPDATE stock SET available = available - ? WHERE sku = ? AND available >= ?", order.quantity(),
				order.sku(), order.quantity()) == 1;
		jdbc.update("INSERT INTO stock_decisions (order_id, sku, quantity, outcome, decided_at) VALUES (?, ?, ?, ?, ?)",
				order.orderId(), order.sku(), order.quantity(), reserved ? "RESERVED" : "REJECTED",
				Timestamp.from(Instant.now()));
		if (!processingTime.isZero()) {
			try {
				Thread.sleep(processingTime.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while processing order " + order.orderId(), ex);
			}
		}
		return reserved;
	}

}
