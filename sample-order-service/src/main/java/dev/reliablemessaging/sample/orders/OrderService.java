package dev.reliablemessaging.sample.orders;

import java.time.Instant;
import java.util.UUID;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.sample.history.OrderStatusChanged;
import dev.reliablemessaging.sample.Topics;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Places orders: the order row, its {@code OrderPlaced} message and its first status change commit together or not
 * at all.
 */
@Service
public class OrderService {

	private final OrderRepository orders;

	private final OutboxPublisher publisher;

	OrderService(OrderRepository orders, OutboxPublisher publisher) {
		this.orders = orders;
		this.publisher = publisher;
	}

	@Transactional
	@ReliablePublish(topic = Topics.ORDER_PLACED, key = "#result.id()",
			payload = "new dev.reliablemessaging.sample.orders.OrderPlaced(#result.id(), #result.sku(), #result.quantity())")
	public Order place(PlaceOrderRequest request) {
		Order order = new Order(UUID.randomUUID().toString(), request.sku(), request.quantity(), OrderStatus.PENDING,
				Instant.now());
		this.orders.insert(order);
		this.publisher.publish(OutboundMessage.builder(Topics.ORDER_STATUS)
			.key(order.id())
			.orderingKey(order.id())
			.payload(OrderStatusChanged.placed(order.id()))
			.build());
		return order;
	}

}
