package dev.reliablemessaging.autoconfigure.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.jdbc.LockKeys;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The messages orderly listeners parked: a message that failed for good (or can never be read), and after it every
 * later message of its ordering key, held in the database in order while the queue they came from moves on. The key
 * resumes, in order, when an operator releases it (its messages are handled again, from the first) or dead-letters its
 * first message (the rest are then handled). Only that key waits; the other keys of the queue never do.
 * <p>
 * A message is parked under its ordering key ({@code RM_ORDERING_KEY}, set by the relay); a message that another
 * producer sent without one is parked under its queue, so the whole queue's later messages wait with it.
 */
final class ParkedMessages {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final TypeReference<Map<String, String>> PROPERTIES = new TypeReference<>() {
	};

	private static final int MAX_ERROR_LENGTH = 1000;

	private final JdbcTemplate jdbc;

	private final String table;

	private final String lockKey;

	private final String insert;

	ParkedMessages(JdbcTemplate jdbc, SqlDialect database, MessagingTables tables) {
		this.jdbc = jdbc;
		this.table = tables.parked();
		this.lockKey = database.lockKey(tables.orderingKeyLock());
		this.insert = "INSERT INTO " + this.table + " (consumer_group, ordering_key, message_id, topic, properties, "
				+ "body, reconsume_times, last_error, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + database.utcNow()
				+ ")";
	}

	/** The key a message of an orderly listener is parked under: its ordering key, else its queue. */
	static String keyOf(MessageExt message) {
		String orderingKey = message.getUserProperty(MessageHeaders.ORDERING_KEY);
		return (orderingKey != null) ? orderingKey
				: "queue:" + message.getBrokerName() + "/" + message.getQueueId();
	}

	/**
	 * Whether messages of the key are parked, in the caller's transaction. When some are, the key's lock is taken for
	 * the rest of the transaction and the answer read again under it, so that a release that empties the key and a
	 * message that joins it never cross.
	 */
	boolean holds(String consumerGroup, String key) {
		if (!anyParked(consumerGroup, key, "")) {
			return false;
		}
		lock(consumerGroup, key);
		// a locking read: it sees what committed meanwhile, also where the first read fixed a snapshot (MySQL)
		return anyParked(consumerGroup, key, " FOR UPDATE");
	}

	/**
	 * Parks a message at the end of its key's messages, in the caller's transaction; a message parked already (a
	 * redelivery) is left as it is.
	 */
	void park(String consumerGroup, String key, MessageExt message, @Nullable String error) {
		lock(consumerGroup, key);
		Map<String, String> properties = new HashMap<>(message.getProperties());
		// a message sent without a unique key keeps its dedup key when it is handled again: the broker's id
		properties.putIfAbsent(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, DedupKey.of(message));
		try {
			this.jdbc.update(this.insert, consumerGroup, key, InboxKeys.stored(DedupKey.of(message)), message.getTopic(),
					mapper.writeValueAsString(properties), message.getBody(), message.getReconsumeTimes(),
					truncate(error));
		}
		catch (DuplicateKeyException ex) {
			// parked before, by a delivery that was not acknowledged
		}
	}

	/** The first parked message of a key, with the key locked for the caller's transaction, or {@code null}. */
	@Nullable Parked first(String consumerGroup, String key) {
		lock(consumerGroup, key);
		List<Parked> first = this.jdbc.query("SELECT id, topic, properties, body, reconsume_times FROM " + this.table
				+ " WHERE consumer_group = ? AND ordering_key = ? ORDER BY id LIMIT 1",
				(rs, rowNum) -> new Parked(rs.getLong("id"), message(rs.getString("topic"), rs.getString("properties"),
						rs.getBytes("body"), rs.getInt("reconsume_times"))),
				consumerGroup, key);
		return first.isEmpty() ? null : first.get(0);
	}

	/** Removes a parked message, in the caller's transaction. */
	void remove(long id) {
		this.jdbc.update("DELETE FROM " + this.table + " WHERE id = ?", id);
	}

	/** The parked keys, with how many messages each holds and what made the first fail. */
	List<ParkedKey> keys() {
		List<ParkedKey> keys = new ArrayList<>();
		this.jdbc.query("SELECT p.consumer_group, p.ordering_key, p.topic, p.message_id, p.last_error, p.parked_at, "
				+ "(SELECT COUNT(*) FROM " + this.table + " c WHERE c.consumer_group = p.consumer_group "
				+ "AND c.ordering_key = p.ordering_key) AS messages FROM " + this.table + " p WHERE p.id IN (SELECT "
				+ "MIN(id) FROM " + this.table + " GROUP BY consumer_group, ordering_key) ORDER BY p.id", (rs) -> {
					keys.add(new ParkedKey(rs.getString("consumer_group"), rs.getString("ordering_key"),
							rs.getString("topic"), rs.getString("message_id"), rs.getLong("messages"),
							rs.getString("last_error"), JdbcValues.instant(rs, "parked_at")));
				});
		return keys;
	}

	/** How many messages are parked in all. */
	long count() {
		Long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM " + this.table, Long.class);
		return (count != null) ? count : 0;
	}

	private boolean anyParked(String consumerGroup, String key, String locking) {
		return !this.jdbc.queryForList("SELECT 1 FROM " + this.table
				+ " WHERE consumer_group = ? AND ordering_key = ? LIMIT 1" + locking, consumerGroup, key)
			.isEmpty();
	}

	private void lock(String consumerGroup, String key) {
		this.jdbc.update(this.lockKey, lockKey(consumerGroup, key));
	}

	private static String lockKey(String consumerGroup, String key) {
		return LockKeys.of("parked", consumerGroup, key);
	}

	private static MessageExt message(String topic, String properties, byte[] body, int reconsumeTimes) {
		MessageExt message = new MessageExt();
		message.setTopic(topic);
		message.setBody(body);
		MessageAccessor.setProperties(message, mapper.readValue(properties, PROPERTIES));
		message.setReconsumeTimes(reconsumeTimes);
		message.setMsgId(message.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
		return message;
	}

	private static @Nullable String truncate(@Nullable String error) {
		return (error == null || error.length() <= MAX_ERROR_LENGTH) ? error : error.substring(0, MAX_ERROR_LENGTH);
	}

	/** A parked message, as its listener receives it again. */
	record Parked(long id, MessageExt message) {
	}


}
