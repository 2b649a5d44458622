package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.autoconfigure.outbox.OutboxRow.OrderingScope;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRows.FailedRow;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRows.SentRow;
import dev.reliablemessaging.autoconfigure.rocketmq.SendFailure;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.MessageQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the rows of a claim with synchronous sends: unordered rows in batches per topic, rows of an ordering key to
 * the key's queue in id order, batched per queue. A row counts as sent only on an accepted status. A failure holds
 * back the later rows of its queue, never reorders them; a send that could outlast the claim's lease is not started,
 * and the rows it would have carried are handed back.
 */
final class ClaimSender {

	private static final Logger logger = LoggerFactory.getLogger(ClaimSender.class);

	private static final int MAX_BATCH_MESSAGES = 256;

	private final RocketMqSender sender;

	private final OutboxRows rows;

	private final RelaySettings settings;

	private final MessagingMetrics metrics;

	private volatile boolean brokerAnswers;

	ClaimSender(RocketMqSender sender, OutboxRows rows, RelaySettings settings, MessagingMetrics metrics) {
		this.sender = sender;
		this.rows = rows;
		this.settings = settings;
		this.metrics = metrics;
	}

	/** Whether the last send of this relay went through: the broker answers, so rows waiting for it may go. */
	boolean brokerAnswers() {
		return this.brokerAnswers;
	}

	void send(Claim claim) {
		Map<String, List<OutboxRow>> unorderedByTopic = new LinkedHashMap<>();
		Map<MessageQueue, List<OutboxRow>> orderedByQueue = new LinkedHashMap<>();
		Map<OrderingScope, MessageQueue> queueOfScope = new HashMap<>();
		Map<String, List<MessageQueue>> routes = new HashMap<>();
		Map<OrderingScope, RuntimeException> unroutable = new LinkedHashMap<>();
		List<OutboxRow> firstUnroutable = new ArrayList<>();
		List<Long> heldBackByRoute = new ArrayList<>();
		Map<String, RuntimeException> topicsWithoutRoute = new HashMap<>();
		List<OutboxRow> withoutRoute = new ArrayList<>();
		for (OutboxRow row : claim.rows()) {
			if (!row.ordered()) {
				if (routed(row.topic(), routes, topicsWithoutRoute)) {
					unorderedByTopic.computeIfAbsent(row.topic(), (topic) -> new ArrayList<>()).add(row);
				}
				else {
					withoutRoute.add(row);
				}
				continue;
			}
			// one route per topic and one queue per key in a claim: a key never splits over two queues
			if (unroutable.containsKey(row.scope())) {
				heldBackByRoute.add(row.id());
				continue;
			}
			try {
				MessageQueue queue = queueOfScope.computeIfAbsent(row.scope(), (scope) -> this.sender
					.queueFor(row.topic(), row.orderingKey(), routes.computeIfAbsent(row.topic(), this.sender::routeOf)));
				orderedByQueue.computeIfAbsent(queue, (q) -> new ArrayList<>()).add(row);
			}
			catch (RuntimeException ex) {
				unroutable.put(row.scope(), ex);
				firstUnroutable.add(row);
			}
		}
		withoutRoute.forEach((row) -> fail(List.of(row), SendFailure.noRoute(topicsWithoutRoute.get(row.topic()))));
		if (!firstUnroutable.isEmpty()) {
			// the first row of a key that cannot be routed fails; its later rows wait without losing an attempt
			firstUnroutable.forEach((row) -> fail(List.of(row), SendFailure.noRoute(unroutable.get(row.scope()))));
			this.rows.release(heldBackByRoute);
		}
		List<List<OutboxRow>> sends = new ArrayList<>();
		unorderedByTopic.values().forEach((topicRows) -> sends.addAll(chunks(topicRows)));
		for (List<OutboxRow> chunk : sends) {
			if (leaseLeftFor(claim, chunk)) {
				sendChunk(chunk, null);
			}
		}
		orderedByQueue.forEach((queue, queueRows) -> {
			List<List<OutboxRow>> chunks = chunks(queueRows);
			for (int i = 0; i < chunks.size(); i++) {
				if (!leaseLeftFor(claim, chunks.get(i)) || !sendChunk(chunks.get(i), queue)) {
					this.rows.release(chunks.subList(i + 1, chunks.size())
						.stream()
						.flatMap(List::stream)
						.map(OutboxRow::id)
						.toList());
					return;
				}
			}
		});
	}

	/** Whether the topic has a route, asked once per claim. */
	private boolean routed(String topic, Map<String, List<MessageQueue>> routes,
			Map<String, RuntimeException> withoutRoute) {
		if (routes.containsKey(topic)) {
			return true;
		}
		if (withoutRoute.containsKey(topic)) {
			return false;
		}
		try {
			routes.put(topic, this.sender.routeOf(topic));
			return true;
		}
		catch (RuntimeException ex) {
			withoutRoute.put(topic, ex);
			return false;
		}
	}

	/**
	 * Whether a send of the chunk can finish within the claim's lease; if not, its rows are handed back, so that no
	 * other relay can take them while this one might still be sending.
	 */
	private boolean leaseLeftFor(Claim claim, List<OutboxRow> chunk) {
		Duration left = claim.leaseLeft();
		if (left.compareTo(this.settings.sendTimeout().multipliedBy(2)) > 0) {
			return true;
		}
		logger.debug("Handing back {} rows: {} of the lease is left, not enough for a send", chunk.size(), left);
		this.rows.release(chunk.stream().map(OutboxRow::id).toList());
		return false;
	}

	private boolean sendChunk(List<OutboxRow> chunk, @Nullable MessageQueue queue) {
		SendResult result;
		long started = System.nanoTime();
		try {
			result = this.sender.send(chunk, queue);
		}
		catch (Exception ex) {
			fail(chunk, SendFailure.of(ex));
			return false;
		}
		if (!this.settings.acceptedSendStatuses().contains(result.getSendStatus())) {
			fail(chunk, SendFailure.status(result.getSendStatus()));
			return false;
		}
		this.brokerAnswers = true;
		this.metrics.sent(chunk.get(0).topic(), chunk.size(), Duration.ofNanos(System.nanoTime() - started));
		String[] brokerIds = (result.getMsgId() != null) ? result.getMsgId().split(",") : new String[0];
		List<SentRow> sent = new ArrayList<>(chunk.size());
		for (int i = 0; i < chunk.size(); i++) {
			OutboxRow row = chunk.get(i);
			String brokerId = (brokerIds.length == chunk.size()) ? brokerIds[i] : null;
			sent.add(new SentRow(row.id(), brokerId));
			if (logger.isDebugEnabled()) {
				logger.debug("Sent message {} (key {}) to topic {} on attempt {} as {}", row.messageId(), row.key(),
						row.topic(), row.attempts() + 1, brokerId);
			}
		}
		this.rows.markSent(sent, this.settings.keepSentRows());
		return true;
	}

	/**
	 * Records a failed attempt of each row: retried after a backoff, or DEAD when the broker has refused the message
	 * itself as often as max-attempts allows. Failures of availability never make a row DEAD.
	 */
	private void fail(List<OutboxRow> chunk, SendFailure failure) {
		if (!failure.refused()) {
			this.brokerAnswers = false;
		}
		List<FailedRow> failed = new ArrayList<>(chunk.size());
		for (OutboxRow row : chunk) {
			int attempts = row.attempts() + 1;
			int refusals = row.refusals() + (failure.refused() ? 1 : 0);
			boolean dead = refusals >= this.settings.maxAttempts();
			Duration retryAfter = this.settings.backoff().delayAfter(attempts);
			OutboxStatus status = dead ? OutboxStatus.DEAD
					: failure.refused() ? OutboxStatus.DELAYED : OutboxStatus.RETRYING;
			failed.add(new FailedRow(row.id(), attempts, refusals, retryAfter, status, failure.reason()));
			this.metrics.sendFailed(row.topic(), 1, failure.reasonTag());
			if (dead) {
				this.metrics.dead(row.topic(), 1);
				logger.error("Message {} (key {}) to topic {} is DEAD: the broker refused it {} times, last: {}",
						row.messageId(), row.key(), row.topic(), refusals, failure.reason());
			}
			else {
				logger.warn("Message {} (key {}) to topic {} failed attempt {}{}: {}; retry in {}", row.messageId(),
						row.key(), row.topic(), attempts,
						failure.refused() ? " (refusal " + refusals + " of " + this.settings.maxAttempts() + ")" : "",
						failure.reason(), retryAfter);
			}
		}
		this.rows.markFailed(failed);
	}

	private List<List<OutboxRow>> chunks(List<OutboxRow> rows) {
		List<List<OutboxRow>> chunks = new ArrayList<>();
		List<OutboxRow> current = new ArrayList<>();
		int bytes = 0;
		for (OutboxRow row : rows) {
			int size = RocketMqSender.approximateSize(row);
			if (!current.isEmpty()
					&& (current.size() == MAX_BATCH_MESSAGES || bytes + size > this.settings.maxBatchBytes())) {
				chunks.add(current);
				current = new ArrayList<>();
				bytes = 0;
			}
			current.add(row);
			bytes += size;
		}
		if (!current.isEmpty()) {
			chunks.add(current);
		}
		return chunks;
	}

}
