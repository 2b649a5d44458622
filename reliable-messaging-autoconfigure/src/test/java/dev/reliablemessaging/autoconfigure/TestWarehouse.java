package dev.reliablemessaging.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.ReliableListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A consumer for tests: it reserves stock for orders by writing a row, and can be told to fail.
 */
public class TestWarehouse {

	final JdbcTemplate jdbc;

	final AtomicInteger invocations = new AtomicInteger();

	final AtomicInteger failuresLeft = new AtomicInteger();

	/** Reservations and inbox rows the handler saw for its order before writing, one entry per invocation. */
	final List<String> seenBeforeWriting = new CopyOnWriteArrayList<>();

	final List<MessageContext> contexts = new CopyOnWriteArrayList<>();

	final Map<String, List<Integer>> sequenceByCustomer = new ConcurrentHashMap<>();

	TestWarehouse(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS reservations (order_id VARCHAR(64), sku VARCHAR(64))");
	}

	void reserve(TestOrders.Order order, MessageContext context) {
		int invocation = this.invocations.incrementAndGet();
		this.seenBeforeWriting.add(count("SELECT COUNT(*) FROM reservations WHERE order_id = ?", order.id()) + "/"
				+ count("SELECT COUNT(*) FROM rm_inbox WHERE message_id = ? AND consumer_group <> 'x'",
						context.messageId()));
		this.jdbc.update("INSERT INTO reservations (order_id, sku) VALUES (?, ?)", order.id(), order.sku());
		if (this.failuresLeft.getAndDecrement() > 0) {
			throw new IllegalStateException("simulated failure on invocation " + invocation);
		}
		this.contexts.add(context);
	}

	long reservations() {
		return count("SELECT COUNT(*) FROM reservations");
	}

	private long count(String sql, Object... args) {
		return this.jdbc.queryForObject(sql, Long.class, args);
	}

	/** Concurrent listener on ${test.topic} as ${test.group}, two redeliveries before the DLQ. */
	public static class Concurrent extends TestWarehouse {

		Concurrent(DataSource dataSource) {
			super(dataSource);
		}

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}", maxReconsumeTimes = 2)
		public void on(TestOrders.Order order, MessageContext context) {
			reserve(order, context);
		}

	}

	/** Orderly listener recording the sequence of each customer's orders ("customer-seq" ids). */
	public static class Orderly extends TestWarehouse {

		Orderly(DataSource dataSource) {
			super(dataSource);
		}

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}", orderly = true)
		public void on(TestOrders.Order order) {
			int invocation = this.invocations.incrementAndGet();
			if (order.id().equals("customer1-5") && this.failuresLeft.getAndDecrement() > 0) {
				throw new IllegalStateException("simulated failure on invocation " + invocation);
			}
			String customer = order.id().substring(0, order.id().indexOf('-'));
			int seq = Integer.parseInt(order.id().substring(order.id().indexOf('-') + 1));
			this.sequenceByCustomer.computeIfAbsent(customer, (c) -> new CopyOnWriteArrayList<>()).add(seq);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConcurrentConfig {

		@Bean
		Concurrent warehouse(DataSource dataSource) {
			return new Concurrent(dataSource);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderlyConfig {

		@Bean
		Orderly warehouse(DataSource dataSource) {
			return new Orderly(dataSource);
		}

	}

}
