package dev.reliablemessaging.autoconfigure.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.reliablemessaging.autoconfigure.jdbc.LockKeys;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The queues each topic's ordering keys map onto (its layout), kept in the database so that every instance and every
 * restart agrees. A layout is recorded once, from the route at the first ordered send of the topic, and changes only
 * when an operator changes its rows: a broker group that leaves the route, or one that was away at the first sight
 * and comes back, moves no key. A key goes to the queue of the layout with the highest weight for it (rendezvous
 * hashing), so taking a group's queues out of the layout moves only the keys of those queues, and adding queues moves
 * only the keys that the new queues win.
 */
final class QueueLayouts {

	/** How long a layout read from the database is used: an operator's change shows this late. */
	static final Duration CACHE_TIME = Duration.ofSeconds(10);

	private final RelayDatabase database;

	private final String firstSightLock;

	private final Map<String, Cached> layouts = new ConcurrentHashMap<>();

	QueueLayouts(RelayDatabase database) {
		this.database = database;
		this.firstSightLock = database.dialect().lockKey(database.orderingKeyLockTable());
	}

	/** The layout of {@code topic}, recording {@code routed} as it when the topic has none yet. */
	List<MessageQueue> layout(String topic, List<MessageQueue> routed) {
		long now = System.nanoTime();
		Cached known = this.layouts.get(topic);
		if (known == null || now - known.expiresAtNanos() > 0) {
			List<MessageQueue> queues = load(topic);
			if (queues.isEmpty()) {
				queues = recordFirstSight(topic, routed);
			}
			known = new Cached(queues, now + CACHE_TIME.toNanos());
			this.layouts.put(topic, known);
		}
		return known.queues();
	}

	/** The queue of an ordering key in a layout: the one with the highest weight for the key. */
	static MessageQueue queueOf(String orderingKey, List<MessageQueue> layout) {
		MessageQueue best = null;
		long bestWeight = 0;
		for (MessageQueue queue : layout) {
			long weight = weight(orderingKey, queue);
			if (best == null || Long.compareUnsigned(weight, bestWeight) > 0) {
				best = queue;
				bestWeight = weight;
			}
		}
		if (best == null) {
			throw new IllegalStateException("The layout of a topic has no queues");
		}
		return best;
	}

	/** A key's weight for a queue: the first eight bytes of a SHA-256 of both, the same in every JVM and version. */
	private static long weight(String orderingKey, MessageQueue queue) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(orderingKey.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(queue.getBrokerName().getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(Integer.toString(queue.getQueueId()).getBytes(StandardCharsets.UTF_8));
			return ByteBuffer.wrap(digest.digest()).getLong();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

	/**
	 * Records the route as the topic's layout, unless another relay did meanwhile: the first sight is serialized on
	 * the topic's row of the ordering-lock table, so every relay ends up with the same layout.
	 */
	private List<MessageQueue> recordFirstSight(String topic, List<MessageQueue> routed) {
		// durable: a layout a crash undid could be recorded again from another route, moving keys
		return this.database.inDurableTransaction(() -> {
			this.database.jdbc().update(this.firstSightLock, LockKeys.of("layout", topic));
			List<MessageQueue> recorded = load(topic);
			if (!recorded.isEmpty()) {
				return recorded;
			}
			Map<String, Integer> counts = new TreeMap<>();
			routed.forEach((queue) -> counts.merge(queue.getBrokerName(), queue.getQueueId() + 1, Math::max));
			counts.forEach((broker, count) -> this.database.jdbc()
				.update("INSERT INTO " + this.database.topicQueuesTable()
						+ " (topic, broker_name, queue_count) VALUES (?, ?, ?)", topic, broker, count));
			return load(topic);
		});
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

	private record Cached(List<MessageQueue> queues, long expiresAtNanos) {
	}

}
