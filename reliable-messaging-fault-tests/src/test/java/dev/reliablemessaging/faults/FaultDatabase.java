package dev.reliablemessaging.faults;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PostgreSQL database of one scenario, created empty and dropped afterwards, and the suite's view of it: what
 * the warehouse decided for which orders, what the outbox still holds. It can also refuse connections for a while.
 * Server from PGHOST, PGPORT, PGUSER and PGPASSWORD, by default the local PostgreSQL of the development machines.
 */
final class FaultDatabase implements AutoCloseable {

	private final String name;

	FaultDatabase(String name) throws SQLException {
		this.name = name;
		try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			statement.execute("CREATE DATABASE " + name);
		}
	}

	String name() {
		return this.name;
	}

	static boolean available() {
		try (Connection connection = connect("postgres")) {
			return connection.isValid(2);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/** Refuses new connections and ends the existing ones, as a database that goes away does. */
	void goAway() throws SQLException {
		try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
			statement.execute("ALTER DATABASE " + this.name + " ALLOW_CONNECTIONS false");
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + this.name
					+ "' AND pid <> pg_backend_pid()");
		}
	}

	void comeBack() throws SQLException {
		try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
			statement.execute("ALTER DATABASE " + this.name + " ALLOW_CONNECTIONS true");
		}
	}

	/** Of these orders: how many have a decision, how many more than one, and when the last one was taken. */
	Decisions decisions(Collection<String> orderIds) throws SQLException {
		try (Connection connection = connect(this.name);
				PreparedStatement query = connection.prepareStatement("""
						SELECT COUNT(*), COALESCE(SUM(CASE WHEN n > 1 THEN 1 ELSE 0 END), 0), MAX(last_at)
						FROM (SELECT order_id, COUNT(*) AS n, MAX(decided_at) AS last_at FROM stock_decisions
						      WHERE order_id = ANY (?) GROUP BY order_id) d
						""")) {
			Array ids = connection.createArrayOf("varchar", orderIds.toArray());
			query.setArray(1, ids);
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				Timestamp last = rs.getTimestamp(3);
				return new Decisions(rs.getLong(1), rs.getLong(2), (last != null) ? last.toInstant() : null);
			}
		}
	}

	/** Of these orders, up to {@code limit} that have no decision. */
	List<String> undecided(Collection<String> orderIds, int limit) throws SQLException {
		try (Connection connection = connect(this.name);
				PreparedStatement query = connection.prepareStatement("""
						SELECT id FROM unnest(?) AS accepted(id)
						WHERE NOT EXISTS (SELECT 1 FROM stock_decisions d WHERE d.order_id = accepted.id)
						ORDER BY id LIMIT ?
						""")) {
			query.setArray(1, connection.createArrayOf("varchar", orderIds.toArray()));
			query.setInt(2, limit);
			List<String> ids = new ArrayList<>();
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					ids.add(rs.getString(1));
				}
			}
			return ids;
		}
	}

	/** Pending outbox rows with at least one failed attempt; -1 while the database refuses connections. */
	long pendingAfterFailedAttempt() {
		try {
			return count("SELECT COUNT(*) FROM rm_outbox WHERE status = 'PENDING' AND attempts > 0");
		}
		catch (SQLException ex) {
			return -1;
		}
	}

	long outboxNotSent() throws SQLException {
		return count("SELECT COUNT(*) FROM rm_outbox WHERE status <> 'SENT'");
	}

	/**
	 * From the first outbox row sent after {@code after} to the last sent of the rows written before it, in seconds
	 * (0 when none waited): how long the relay took to drain its backlog once the broker answered again.
	 */
	double relayDrainAfter(Instant after) throws SQLException {
		try (Connection connection = connect(this.name);
				PreparedStatement query = connection.prepareStatement("""
						WITH mended AS (SELECT to_timestamp(? / 1000.0) AT TIME ZONE 'UTC' AS at)
						SELECT EXTRACT(EPOCH FROM (
						    (SELECT MAX(o.sent_at) FROM rm_outbox o, mended m WHERE o.created_at < m.at)
						  - (SELECT MIN(o.sent_at) FROM rm_outbox o, mended m WHERE o.sent_at > m.at)))
						""")) {
			query.setLong(1, after.toEpochMilli());
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				double seconds = rs.getDouble(1);
				return rs.wasNull() ? 0 : Math.max(0, seconds);
			}
		}
	}

	long deadRows() throws SQLException {
		return count("SELECT COUNT(*) FROM rm_outbox WHERE status = 'DEAD'");
	}

	/**
	 * How the orderly listener applied the status changes of these orders (placed, seq 0, then decided, seq 1):
	 * orders whose changes were applied in another order, decided orders with a change missing, changes applied
	 * twice.
	 */
	History history(Collection<String> orderIds) throws SQLException {
		Map<String, List<Integer>> applied = new HashMap<>();
		try (Connection connection = connect(this.name);
				PreparedStatement query = connection.prepareStatement(
						"SELECT order_id, seq FROM order_history WHERE order_id = ANY (?) ORDER BY id")) {
			query.setArray(1, connection.createArrayOf("varchar", orderIds.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					applied.computeIfAbsent(rs.getString(1), (id) -> new ArrayList<>()).add(rs.getInt(2));
				}
			}
		}
		Set<String> decided = decidedOrders(orderIds);
		long outOfOrder = 0;
		long incomplete = 0;
		long twice = 0;
		for (String orderId : orderIds) {
			List<Integer> seqs = applied.getOrDefault(orderId, List.of());
			List<Integer> distinct = seqs.stream().distinct().toList();
			twice += seqs.size() - distinct.size();
			if (!distinct.equals(distinct.stream().sorted().toList())) {
				outOfOrder++;
			}
			if (decided.contains(orderId) && !(distinct.contains(0) && distinct.contains(1))) {
				incomplete++;
			}
		}
		return new History(outOfOrder, incomplete, twice);
	}

	/** When the first of these orders was decided after {@code after}, or {@code null}. */
	Instant firstDecidedAfter(Collection<String> orderIds, Instant after) throws SQLException {
		try (Connection connection = connect(this.name);
				PreparedStatement query = connection.prepareStatement(
						"SELECT MIN(decided_at) FROM stock_decisions WHERE order_id = ANY (?) AND decided_at > ?")) {
			query.setArray(1, connection.createArrayOf("varchar", orderIds.toArray()));
			query.setTimestamp(2, java.sql.Timestamp.from(after));
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				java.sql.Timestamp first = rs.getTimestamp(1);
				return (first != null) ? first.toInstant() : null;
			}
		}
	}

	/**
	 * Makes the order history refuse every change of orders of the given SKU until {@link #cure()}, as a handler bug
	 * or a constraint that one order's data violates would: an orderly listener parks the order's changes.
	 */
	void poisonHistoryOf(String sku) throws SQLException {
		try (Connection connection = connect(this.name); java.sql.Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS fault_poison (sku VARCHAR(64) PRIMARY KEY)");
			statement.execute("INSERT INTO fault_poison (sku) VALUES ('" + sku + "') ON CONFLICT DO NOTHING");
			statement.execute("""
					CREATE OR REPLACE FUNCTION fault_poisoned_history() RETURNS trigger AS $$
					BEGIN
					  IF EXISTS (SELECT 1 FROM orders o JOIN fault_poison p ON p.sku = o.sku WHERE o.id = NEW.order_id) THEN
					    RAISE EXCEPTION 'the history of order % is poisoned', NEW.order_id;
					  END IF;
					  RETURN NEW;
					END $$ LANGUAGE plpgsql""");
			statement.execute("DROP TRIGGER IF EXISTS fault_poisoned_history ON order_history");
			statement.execute("CREATE TRIGGER fault_poisoned_history BEFORE INSERT ON order_history FOR EACH ROW "
					+ "EXECUTE FUNCTION fault_poisoned_history()");
		}
	}

	/** Lets the order history take every change again (the handler's bug is fixed). */
	void cure() throws SQLException {
		try (Connection connection = connect(this.name); java.sql.Statement statement = connection.createStatement()) {
			statement.execute("DELETE FROM fault_poison");
		}
	}

	/** The longest time between two consecutive decisions on these orders, in seconds. */
	double longestGap(Collection<String> orderIds) throws SQLException {
		try (Connection connection = connect(this.name);
				PreparedStatement query = connection.prepareStatement("SELECT COALESCE(MAX(gap), 0) FROM ("
						+ "SELECT EXTRACT(EPOCH FROM decided_at - LAG(decided_at) OVER (ORDER BY decided_at)) AS gap "
						+ "FROM stock_decisions WHERE order_id = ANY (?)) g")) {
			query.setArray(1, connection.createArrayOf("varchar", orderIds.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				return rs.getDouble(1);
			}
		}
	}

	private Set<String> decidedOrders(Collection<String> orderIds) throws SQLException {
		Set<String> decided = new HashSet<>();
		try (Connection connection = connect(this.name);
				PreparedStatement query = connection.prepareStatement(
						"SELECT DISTINCT order_id FROM stock_decisions WHERE order_id = ANY (?)")) {
			query.setArray(1, connection.createArrayOf("varchar", orderIds.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					decided.add(rs.getString(1));
				}
			}
		}
		return decided;
	}

	private long count(String sql) throws SQLException {
		try (Connection connection = connect(this.name); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	@Override
	public void close() throws SQLException {
		comeBack();
		try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
		}
	}

	private static Connection connect(String database) throws SQLException {
		return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port() + "/" + database, user(),
				password());
	}

	static String host() {
		return env("PGHOST", "127.0.0.1");
	}

	static int port() {
		return Integer.parseInt(env("PGPORT", "5432"));
	}

	static String user() {
		return env("PGUSER", "postgres");
	}

	static String password() {
		return env("PGPASSWORD", "");
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

	/** How many of a set of orders have a decision, how many more than one, and the time of the last one. */
	record Decisions(long decided, long decidedTwice, Instant lastDecidedAt) {
	}

	/** How the orderly listener applied a set of orders' status changes. */
	record History(long outOfOrder, long incomplete, long twice) {
	}

}
