package dev.reliablemessaging.autoconfigure;

import java.lang.reflect.Method;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.ReliableListener;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

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

		/** A handler for this listener outside any container, to hand messages to directly. */
		static ReliableMessageHandler directHandler(ApplicationContext context) throws NoSuchMethodException {
			PayloadBinder binder = new PayloadBinder(context.getBean(JsonMapper.class), null);
			Method method = Concurrent.class.getMethod("on", TestOrders.Order.class, MessageContext.class);
			ListenerMethod listener = ListenerMethod.of(context.getBean(Concurrent.class), method,
					AnnotatedElementUtils.findMergedAnnotation(method, ReliableListener.class),
					context.getEnvironment(), binder);
			return new ReliableMessageHandler(listener, context.getBean(InboxStore.class),
					new TransactionTemplate(context.getBean(PlatformTransactionManager.class)), binder,
					Clock.systemUTC());
		}

	}

	/**
	 * Orderly listener recording the sequence of each customer's orders ("customer-seq" ids) in a table, in the
	 * handler's transaction, so only committed handling counts.
	 */
	public static class Orderly extends TestWarehouse {

		Orderly(DataSource dataSource) {
			super(dataSource);
			this.jdbc.execute("CREATE TABLE IF NOT EXISTS handled_sequence (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
					+ "customer VARCHAR(64), seq INT)");
		}

		/** Each customer's sequence numbers in the order their handling committed. */
		Map<String, List<Integer>> sequenceByCustomer() {
			Map<String, List<Integer>> sequences = new LinkedHashMap<>();
			this.jdbc.query("SELECT customer, seq FROM handled_sequence ORDER BY id", (rs) -> {
				sequences.computeIfAbsent(rs.getString(1), (c) -> new ArrayList<>()).add(rs.getInt(2));
			});
			return sequences;
		}

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}", orderly = true)
		public void on(TestOrders.Order order) {
			int invocation = this.invocations.incrementAndGet();
			if (order.id().equals("customer1-5") && this.failuresLeft.getAndDecrement() > 0) {
				throw new IllegalStateException("simulated failure on invocation " + invocation);
			}
			String customer = order.id().substring(0, order.id().indexOf('-'));
			int seq = Integer.parseInt(order.id().substring(order.id().indexOf('-') + 1));
			this.jdbc.update("INSERT INTO handled_sequence (customer, seq) VALUES (?, ?)", customer, seq);
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
