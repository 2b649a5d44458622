package dev.reliablemessaging.sample.orders;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The order API.
 */
@RestController
@RequestMapping("/orders")
public class OrderController {

	private static final int PAGE = 1000;

	private final OrderService service;

	private final OrderRepository orders;

	OrderController(OrderService service, OrderRepository orders) {
		this.service = service;
		this.orders = orders;
	}

	@PostMapping
	public ResponseEntity<Map<String, Object>> place(@Valid @RequestBody PlaceOrderRequest request) {
		Order order = this.service.place(request);
		return ResponseEntity.created(URI.create("/orders/" + order.id()))
			.body(Map.of("id", order.id(), "status", order.status()));
	}

	@GetMapping("/{id}")
	public Order get(@PathVariable String id) {
		return this.orders.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No order with id " + id));
	}

	@GetMapping
	public List<Order> list(@RequestParam(required = false) OrderStatus status) {
		return (status != null) ? this.orders.findByStatus(status, PAGE) : this.orders.findAll(PAGE);
	}

}
