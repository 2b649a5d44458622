package dev.reliablemessaging.autoconfigure.outbox;

import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes outbox rows in the business transaction, on its own connection. A row with an ordering key first locks the
 * key's stripe of the ordering-lock table until the transaction ends: a later transaction of the same topic and key
 * waits there, so it gets its id only after this one has committed, and per key the order of ids is the order of
 * commits. The relay sends a key's rows in id order, so consumers see them in commit order.
 */
public final class OutboxWriter {

	/** How many stripes the ordering-lock table has; fixed, since every instance must lock the same stripe. */
	static final int ORDERING_LOCK_STRIPES = 4096;

	private static final String INSERT = """
			INSERT INTO %1$s (message_id, topic, tag, message_key, ordering_key, headers, payload, status, attempts,
			                  refusals, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, 0, %2$s, %3$s)
			""";

	private static final String LOCK_STRIPE = "SELECT stripe FROM %1$s WHERE stripe = ? FOR UPDATE%2$s";

	private final MessagingDataSource dataSource;

	private final JdbcTemplate jdbc;

	private final JsonMapper jsonMapper;

	private final String insert;

	private final String lockStripe;

	public OutboxWriter(MessagingDataSource dataSource, SqlDialect database, MessagingTables tables, JsonMapper jsonMapper) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource.dataSource());
		this.jsonMapper = jsonMapper;
		this.insert = INSERT.formatted(tables.outbox(), database.utcNowPlusMillis(), database.utcNow());
		this.lockStripe = LOCK_STRIPE.formatted(tables.orderingLock(), database.lockWait());
	}

	/**
	 * Inserts a row through the connection of the caller's transaction, which must manage the outbox's DataSource.
	 * Times come from the database's clock.
	 */
	void insert(NewOutboxRow row) {
		this.dataSource.requireTransactionalConnection("publish a message to topic '" + row.topic() + "'");
		if (row.orderingKey() != null) {
			this.jdbc.queryForList(this.lockStripe, Integer.class, stripe(row.topic(), row.orderingKey()));
		}
		String headers = row.headers().isEmpty() ? null : this.jsonMapper.writeValueAsString(row.headers());
		this.jdbc.update(this.insert, row.messageId(), row.topic(), row.tag(), row.key(), row.orderingKey(), headers,
				row.payload(), row.deliverAfter().toMillis());
	}

	/**
	 * The stripe of a topic and ordering key: {@link String#hashCode()}, which Java specifies, so every instance and
	 * every version agrees. Keys that share a stripe only wait for each other.
	 */
	static int stripe(String topic, String orderingKey) {
		return Math.floorMod((topic + '\u0000' + orderingKey).hashCode(), ORDERING_LOCK_STRIPES);
	}

}
