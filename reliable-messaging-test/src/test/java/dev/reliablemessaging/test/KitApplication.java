package dev.reliablemessaging.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.ReliablePublish;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A small application for the kit's own tests: orders published with {@code @ReliablePublish}, and a warehouse
 * listener whose handler fails on the first two deliveries of an order whose id starts with {@code flaky}.
 */
@SpringBootApplication
class KitApplication {

	static final String TOPIC = "kit-orders";

	record OrderPlaced(String id) {
	}

	@Component
	static class Orders {

		@Transactional
		@ReliablePublish(topic = TOPIC, key = "#result.id", payload = "#result")
		public OrderPlaced place(String id) {
			return new OrderPlaced(id);
		}

	}

	@Component
	static class Warehouse {

		final List<String> handled = new CopyOnWriteArrayList<>();

		final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

		@ReliableListener(topic = TOPIC, consumerGroup = "kit-warehouse")
		public void on(OrderPlaced order) {
			int delivery = this.deliveries.computeIfAbsent(order.id(), (id) -> new AtomicInteger()).incrementAndGet();
			if (order.id().startsWith("flaky") && delivery <= 2) {
				throw new IllegalStateException("stock service unavailable (delivery " + delivery + ")");
			}
			this.handled.add(order.id());
		}

	}

}
