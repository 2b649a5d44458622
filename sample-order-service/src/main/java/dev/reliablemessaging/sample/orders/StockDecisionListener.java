package dev.reliablemessaging.sample.orders;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.sample.Topics;
import dev.reliablemessaging.sample.warehouse.StockRejected;
import dev.reliablemessaging.sample.warehouse.StockReserved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The order service's side of the warehouse's answers: confirms or rejects the order.
 */
@Component
public class StockDecisionListener {

	private static final Logger logger = LoggerFactory.getLogger(StockDecisionListener.class);

	private final OrderRepository orders;

	StockDecisionListener(OrderRepository orders) {
		this.orders = orders;
	}

	@ReliableListener(topic = Topics.STOCK_RESERVED, consumerGroup = "order-service-reserved")
	public void onReserved(StockReserved event) {
		if (!this.orders.decide(event.orderId(), OrderStatus.CONFIRMED)) {
			logger.warn("Order {} was not pending when its stock was reserved", event.orderId());
		}
	}

	@ReliableListener(topic = Topics.STOCK_REJECTED, consumerGroup = "order-service-rejected")
	public void onRejected(StockRejected event) {
		if (!this.orders.decide(event.orderId(), OrderStatus.REJECTED)) {
			logger.warn("Order {} was not pending when its stock was rejected", event.orderId());
		}
	}

}
