package dev.reliablemessaging.sample.orders;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The orders table.
 */
@Repository
public class OrderRepository {

	private final JdbcTemplate jdbc;

	OrderRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(Order order) {
		this.jdbc.update("INSERT INTO orders (id, sku, quantity, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
				order.id(), order.sku(), order.quantity(), order.status().name(), Timestamp.from(order.createdAt()),
				Timestamp.from(order.createdAt()));
	}

	/** Moves a pending order to its final status; an order already decided is left as it is. */
	boolean decide(String id, OrderStatus status) {
		return this.jdbc.update("UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = 'PENDING'",
				status.name(), Timestamp.from(Instant.now()), id) == 1;
	}

	public Optional<Order> find(String id) {
		return this.jdbc.query("SELECT * FROM orders WHERE id = ?", this::map, id).stream().findFirst();
	}

	public List<Order> findByStatus(OrderStatus status, int limit) {
		return this.jdbc.query("SELECT * FROM orders WHERE status = ? ORDER BY created_at LIMIT ?", this::map,
				status.name(), limit);
	}

	public List<Order> findAll(int limit) {
		return this.jdbc.query("SELECT * FROM orders ORDER BY created_at LIMIT ?", this::map, limit);
	}

	private Order map(ResultSet rs, int row) throws SQLException {
		return new Order(rs.getString("id"), rs.getString("sku"), rs.getInt("quantity"),
				OrderStatus.valueOf(rs.getString("status")), rs.getTimestamp("created_at").toInstant());
	}

}
