package dev.reliablemessaging.sample.naive;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.reliablemessaging.sample.history.OrderStatusChanged;
import dev.reliablemessaging.sample.orders.Order;
import dev.reliablemessaging.sample.orders.OrderRepository;
import dev.reliablemessaging.sample.orders.OrderStatus;
import dev.reliablemessaging.sample.orders.PlaceOrderRequest;
import dev.reliablemessaging.sample.warehouse.OrderPlacedEvent;
import jakarta.validation.Valid;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /naive/orders}: stores the order and, once the transaction has committed, sends {@code OrderPlaced}
 * straight to RocketMQ.
 */
@RestController
@Profile("naive")
@RequestMapping("/naive/orders")
class NaiveOrderController {

	private final OrderRepository orders;

	private final NaiveMessaging messaging;

	NaiveOrderController(OrderRepository orders, NaiveMessaging messaging) {
		this.orders = orders;
		this.messaging = messaging;
	}

	@PostMapping
	@Transactional
	public ResponseEntity<Map<String, Object>> place(@Valid @RequestBody PlaceOrderRequest request) {
		Order order = new Order(UUID.randomUUID().toString(), request.sku(), request.quantity(), OrderStatus.PENDING,
				Instant.now());
		this.orders.insert(order);
		OrderPlacedEvent event = new OrderPlacedEvent(order.id(), order.sku(), order.quantity());
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				NaiveOrderController.this.messaging.send(event);
				NaiveOrderController.this.messaging.sendStatus(OrderStatusChanged.placed(order.id()));
			}
		});
		return ResponseEntity.created(URI.create("/orders/" + order.id()))
			.body(Map.of("id", order.id(), "status", order.status()));
	}

}
