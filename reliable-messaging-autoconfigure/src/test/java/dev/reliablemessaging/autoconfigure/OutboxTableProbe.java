package dev.reliablemessaging.autoconfigure;

import java.util.List;
import java.util.Map;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the outbox table of a test context directly, and publishes batches in transactions.
 */
public final class OutboxTableProbe {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final OutboxPublisher publisher;

	public OutboxTableProbe(ApplicationContext context) {
		this.jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
		this.transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		this.publisher = context.getBean(OutboxPublisher.class);
	}

	/** Publishes {@code count} string payloads to {@code topic}, {@code perTransaction} to a transaction. */
	public List<String> publish(String topic, int count, int perTransaction) {
		List<String> ids = new java.util.ArrayList<>();
		for (int start = 0; start < count; start += perTransaction) {
			int from = start;
			this.transactions.executeWithoutResult((status) -> {
				for (int i = from; i < Math.min(count, from + perTransaction); i++) {
					ids.add(this.publisher.publish(OutboundMessage.builder(topic).key("k" + i).payload("m" + i).build()));
				}
			});
		}
		return ids;
	}

	public List<Map<String, Object>> rows() {
		return this.jdbc.queryForList(
				"SELECT message_id, status, attempts, last_error, lease_owner, lease_until FROM rm_outbox ORDER BY id");
	}

	public long count(String status) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox WHERE status = ?", Long.class, status);
	}

	public long total() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class);
	}

	long minAttempts() {
		Long min = this.jdbc.queryForObject("SELECT MIN(attempts) FROM rm_outbox", Long.class);
		return (min != null) ? min : 0;
	}

}
