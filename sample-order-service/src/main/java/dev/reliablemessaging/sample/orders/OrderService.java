package dev.reliablemessaging.sample.orders;

import java.time.Instant;
import java.util.UUID;

import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.sample.Topics;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders: the order row and its {@code OrderPlaced} message commit together or not at all.
 */
@Service
public class OrderService {

	private final OrderRepository orders;

	OrderService(OrderRepository orders) {
		this.orders = orders;
	}

	@Transactional
	@ReliablePublish(topic = Topics.ORDER_PLACED, key = "#result.id()",
			payload = "new dev.reliablemessaging.sample.orders.OrderPlaced(#result.id(), #result.sku(), #result.quantity())")
	public Order place(PlaceOrderRequest request) {
		Order order = new Order(UUID.randomUUID().toString(), request.sku(), request.quantity(), OrderStatus.PENDING,
				Instant.now());
		this.orders.insert(order);
		return order;
	}

}
