package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.common.message.MessageQueue;
import org.springframework.dao.DuplicateKeyException;

/**
 * The queues of each topic as the outbox knows them: every queue of every broker group that any relay has seen in
 * the topic's route, kept in the database so that all instances and restarts agree. A layout only grows. Ordering
 * keys map onto the layout, not onto the current route, so a broker group that drops out of the route (its master
 * died, it was stopped) leaves its keys where they are: their rows wait until the group is back, instead of moving to
 * a queue of another group while their earlier messages still sit in the old one. What a layout cannot know is a
 * group that was absent from the route whenever a relay looked: when it appears, the layout grows and keys move, as
 * on any expansion of a topic.
 */
final class QueueLayouts {

	/** How long a layout read from the database is used: another instance may have grown it meanwhile. */
	private static final Duration CACHE_TIME = Duration.ofSeconds(10);

	private final RelayDatabase database;

	private final Map<String, Cached> layouts = new ConcurrentHashMap<>();

	QueueLayouts(RelayDatabase database) {
		this.database = database;
	}

	/**
	 * The layout of {@code topic}, in {@link MessageQueue} order, after adding to it what {@code routed} has that it
	 * lacks (a new broker group or more queues: the operator expanded the topic).
	 */
	List<MessageQueue> layout(String topic, List<MessageQueue> routed) {
		long now = System.nanoTime();
		Cached known = this.layouts.get(topic);
		if (known == null || now - known.expiresAtNanos() > 0 || !known.queues().containsAll(routed)) {
			record(topic, routed);
			known = new Cached(load(topic), now + CACHE_TIME.toNanos());
			this.layouts.put(topic, known);
		}
		return known.queues();
	}

	private void record(String topic, List<MessageQueue> routed) {
		Map<String, Integer> counts = new TreeMap<>();
		routed.forEach((queue) -> counts.merge(queue.getBrokerName(), queue.getQueueId() + 1, Math::max));
		String table = this.database.topicQueuesTable();
		counts.forEach((broker, count) -> {
			int grown = this.database.jdbc()
				.update("UPDATE " + table + " SET queue_count = ? WHERE topic = ? AND broker_name = ? AND queue_count < ?",
						count, topic, broker, count);
			if (grown == 0) {
				try {
					this.database.jdbc()
						.update("INSERT INTO " + table + " (topic, broker_name, queue_count) VALUES (?, ?, ?)", topic,
								broker, count);
				}
				catch (DuplicateKeyException ex) {
					// the group is known already, with as many queues or more (or another relay just added it)
				}
			}
		});
	}

	private record Cached(List<MessageQueue> queues, long expiresAtNanos) {
	}

	private List<MessageQueue> load(String topic) {
		List<MessageQueue> queues = new ArrayList<>();
		this.database.jdbc()
			.query("SELECT broker_name, queue_count FROM " + this.database.topicQueuesTable() + " WHERE topic = ?",
					(rs) -> {
						for (int id = 0; id < rs.getInt(2); id++) {
							queues.add(new MessageQueue(topic, rs.getString(1), id));
						}
					}, topic);
		queues.sort(null);
		return List.copyOf(queues);
	}

}
