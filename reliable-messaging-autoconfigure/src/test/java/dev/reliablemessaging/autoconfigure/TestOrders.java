package dev.reliablemessaging.autoconfigure;

import java.util.UUID;
import javax.sql.DataSource;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliablePublish;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * A small business service for tests: it writes an order row and publishes it, the way an application would.
 */
public class TestOrders {

	private final JdbcTemplate jdbc;

	private final OutboxPublisher publisher;

	TestOrders(JdbcTemplate jdbc, OutboxPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
		jdbc.execute("CREATE TABLE IF NOT EXISTS test_orders (id VARCHAR(36) PRIMARY KEY, sku VARCHAR(100))");
	}

	@Transactional
	@ReliablePublish(topic = "${test.topic}", tag = "placed", key = "#result.id()", payload = "#result")
	public Order place(String sku) {
		Order order = new Order(UUID.randomUUID().toString(), sku);
		this.jdbc.update("INSERT INTO test_orders (id, sku) VALUES (?, ?)", order.id(), order.sku());
		return order;
	}

	@Transactional
	@ReliablePublish(topic = "${test.topic}", key = "#result.id()", orderingKey = "#p0", condition = "#seq >= 0")
	public Order placeInSequence(String customer, int seq) {
		return new Order(customer + "-" + seq, customer);
	}

	@Transactional
	@ReliablePublish(topic = "${test.topic}", tag = "#{#p0.toUpperCase()}", key = "#result.id()",
			condition = "#express")
	public Order placeIf(String sku, boolean express) {
		return new Order(UUID.randomUUID().toString(), sku);
	}

	@Transactional
	@ReliablePublish(topic = "${test.topic}", key = "#p1", payload = "#result")
	public Order placeKeyed(String sku, String key) {
		Order order = new Order(UUID.randomUUID().toString(), sku);
		this.jdbc.update("INSERT INTO test_orders (id, sku) VALUES (?, ?)", order.id(), order.sku());
		return order;
	}

	@Transactional
	public Order placeThenFail(String sku) {
		Order order = place(sku);
		throw new IllegalStateException("business rule failed after publishing " + order.id());
	}

	@Transactional
	public String publishDirectly(Object payload) {
		return this.publisher.publish(System.getProperty("test.topic.direct", "unused"), payload);
	}

	public int orderCount() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM test_orders", Integer.class);
	}

	public record Order(String id, String sku) {
	}

	@Configuration(proxyBeanMethods = false)
	public static class Config {

		@Bean
		TestOrders testOrders(DataSource dataSource, OutboxPublisher publisher) {
			return new TestOrders(new JdbcTemplate(dataSource), publisher);
		}

	}

}
