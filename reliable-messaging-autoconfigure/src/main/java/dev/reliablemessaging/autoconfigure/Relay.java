package dev.reliablemessaging.autoconfigure;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.MessageQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.reliablemessaging.autoconfigure.OutboxStore.FailedRow;
import dev.reliablemessaging.autoconfigure.OutboxStore.SentRow;

/**
 * Sends outbox rows to RocketMQ. A poller claims due rows on a fixed delay and drains the backlog; a fast path sends
 * the rows of a transaction right after it commits. Both claim through the store, so a row is never sent by both.
 * Rows of one ordering key go to one queue, in id order, and a failure holds back the rest of its queue's rows.
 */
final class Relay implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(Relay.class);

	private static final int MAX_BATCH_MESSAGES = 256;

	private static final int FAST_PATH_THREADS = 2;

	private static final int FAST_PATH_QUEUE = 10_000;

	private static final long FAST_PATH_WAIT_MILLIS = 100;

	private static final int CLEANUP_BATCH = 1_000;

	private final OutboxStore store;

	private final RocketMqSender sender;

	private final RelaySettings settings;

	private final Clock clock;

	private final String owner;

	private final MessagingMetrics metrics;

	private volatile boolean running;

	private @Nullable ScheduledExecutorService poller;

	private @Nullable ExecutorService fastPath;

	/** Message ids of committed rows waiting for the fast path; when it is full, the poller sends the rest. */
	private final BlockingQueue<String> committedIds = new LinkedBlockingQueue<>(FAST_PATH_QUEUE);

	Relay(OutboxStore store, RocketMqSender sender, RelaySettings settings, Clock clock, MessagingMetrics metrics) {
		this.store = store;
		this.sender = sender;
		this.settings = settings;
		this.clock = clock;
		this.metrics = metrics;
		this.owner = ownerName();
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.poller = Executors.newSingleThreadScheduledExecutor(threads("rm-relay-poller"));
		this.fastPath = Executors.newFixedThreadPool(FAST_PATH_THREADS, threads("rm-relay-fast"));
		this.running = true;
		for (int i = 0; i < FAST_PATH_THREADS; i++) {
			this.fastPath.execute(this::sendCommittedRows);
		}
		long interval = this.settings.pollInterval().toMillis();
		this.poller.scheduleWithFixedDelay(this::pollSafely, 0, interval, TimeUnit.MILLISECONDS);
		if (this.settings.keepSentRows()) {
			long cleanup = Math.min(Duration.ofMinutes(1).toMillis(), this.settings.retention().toMillis());
			this.poller.scheduleWithFixedDelay(this::cleanUpSafely, cleanup, cleanup, TimeUnit.MILLISECONDS);
		}
		logger.info("Outbox relay {} started (poll every {}, batches of {})", this.owner,
				this.settings.pollInterval(), this.settings.batchSize());
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		shutDown(this.fastPath);
		shutDown(this.poller);
		this.committedIds.clear();
		int released = this.store.releaseAll(this.owner);
		logger.info("Outbox relay {} stopped; {} claimed rows handed back", this.owner, released);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Sends the rows of a committed transaction soon, if the fast path has room; the poller is the safety net. */
	void sendSoon(List<String> messageIds) {
		if (!this.running) {
			return;
		}
		for (String messageId : messageIds) {
			if (!this.committedIds.offer(messageId)) {
				return;
			}
		}
	}

	/**
	 * A fast-path thread: claims and sends committed rows as they are handed over, the rows of all transactions that
	 * committed meanwhile together, up to a batch, so the fast path keeps up with many small transactions.
	 */
	private void sendCommittedRows() {
		List<String> messageIds = new ArrayList<>();
		while (this.running) {
			try {
				String first = this.committedIds.poll(FAST_PATH_WAIT_MILLIS, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				messageIds.add(first);
				this.committedIds.drainTo(messageIds, this.settings.batchSize() - 1);
				claimAndSend(messageIds);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Fast-path send of {} committed messages failed; the poller will send them",
						messageIds.size(), ex);
			}
			finally {
				messageIds.clear();
			}
		}
	}

	/** Claims and sends due rows until fewer than a full batch are due. */
	void poll() {
		while (this.running && claimAndSend(null) == this.settings.batchSize()) {
			// a full batch: more rows are probably due
		}
	}

	String owner() {
		return this.owner;
	}

	private void pollSafely() {
		try {
			poll();
		}
		catch (Throwable ex) {
			// anything that escapes would cancel the schedule for good
			logger.error("Outbox relay poll failed; retrying in {}", this.settings.pollInterval(), ex);
		}
	}

	private void cleanUpSafely() {
		try {
			Instant before = this.clock.instant().minus(this.settings.retention());
			int deleted;
			do {
				deleted = this.store.deleteSentBefore(before, CLEANUP_BATCH);
			}
			while (deleted == CLEANUP_BATCH && this.running);
		}
		catch (Throwable ex) {
			logger.warn("Removing SENT outbox rows past their retention failed", ex);
		}
	}

	private int claimAndSend(@Nullable List<String> messageIds) {
		Instant now = this.clock.instant();
		List<OutboxRow> rows = this.store.claim(this.owner, messageIds, this.settings.batchSize(), now,
				now.plus(this.settings.lease()));
		if (!rows.isEmpty()) {
			send(rows);
		}
		return rows.size();
	}

	private void send(List<OutboxRow> rows) {
		Map<String, List<OutboxRow>> unorderedByTopic = new LinkedHashMap<>();
		Map<MessageQueue, List<OutboxRow>> orderedByQueue = new LinkedHashMap<>();
		List<OutboxRow> unroutable = new ArrayList<>();
		Exception routeFailure = null;
		Set<String> unroutableKeys = new HashSet<>();
		List<Long> heldBackByRoute = new ArrayList<>();
		for (OutboxRow row : rows) {
			if (!row.ordered()) {
				unorderedByTopic.computeIfAbsent(row.topic(), (topic) -> new ArrayList<>()).add(row);
				continue;
			}
			if (unroutableKeys.contains(row.orderingKey())) {
				heldBackByRoute.add(row.id());
				continue;
			}
			try {
				MessageQueue queue = this.sender.queueFor(row.topic(), row.orderingKey());
				orderedByQueue.computeIfAbsent(queue, (q) -> new ArrayList<>()).add(row);
			}
			catch (Exception ex) {
				unroutable.add(row);
				unroutableKeys.add(row.orderingKey());
				routeFailure = ex;
			}
		}
		if (!unroutable.isEmpty()) {
			// the first row of a key that cannot be routed fails; its later rows wait without losing an attempt
			fail(unroutable, "no route: " + describe(routeFailure), "no_route");
			this.store.release(heldBackByRoute);
		}
		unorderedByTopic.values().forEach((topicRows) -> {
			for (List<OutboxRow> chunk : chunks(topicRows)) {
				sendChunk(chunk, null);
			}
		});
		orderedByQueue.forEach((queue, queueRows) -> {
			List<List<OutboxRow>> chunks = chunks(queueRows);
			for (int i = 0; i < chunks.size(); i++) {
				if (!sendChunk(chunks.get(i), queue)) {
					List<Long> heldBack = chunks.subList(i + 1, chunks.size())
						.stream()
						.flatMap(List::stream)
						.map(OutboxRow::id)
						.toList();
					this.store.release(heldBack);
					return;
				}
			}
		});
	}

	private boolean sendChunk(List<OutboxRow> chunk, @Nullable MessageQueue queue) {
		SendResult result;
		long started = System.nanoTime();
		try {
			result = this.sender.send(chunk, queue);
		}
		catch (Exception ex) {
			fail(chunk, describe(ex), ex.getClass().getSimpleName());
			return false;
		}
		if (!this.settings.acceptedSendStatuses().contains(result.getSendStatus())) {
			fail(chunk, "broker answered " + result.getSendStatus(), result.getSendStatus().name());
			return false;
		}
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
		this.store.markSent(sent, this.clock.instant(), this.settings.keepSentRows());
		return true;
	}

	/**
	 * Records a failed attempt of each row: retried after a backoff, or DEAD when it was the last.
	 * @param reason what went wrong, for the row and the log
	 * @param reasonTag the broker status or error type, a short value from a small set, for the metrics
	 */
	private void fail(List<OutboxRow> rows, String reason, String reasonTag) {
		Instant now = this.clock.instant();
		List<FailedRow> failed = new ArrayList<>(rows.size());
		for (OutboxRow row : rows) {
			int attempts = row.attempts() + 1;
			boolean dead = attempts >= this.settings.maxAttempts();
			// a dead row keeps the time of its last attempt, for operators to see
			Instant next = dead ? now : now.plus(this.settings.backoff().delayAfter(attempts));
			failed.add(new FailedRow(row.id(), attempts, next, dead, reason));
			this.metrics.sendFailed(row.topic(), 1, reasonTag);
			if (dead) {
				this.metrics.dead(row.topic(), 1);
				logger.error("Message {} (key {}) to topic {} is DEAD after {} attempts: {}", row.messageId(),
						row.key(), row.topic(), attempts, reason);
			}
			else {
				logger.warn("Message {} (key {}) to topic {} failed attempt {}: {}; retry at {}", row.messageId(),
						row.key(), row.topic(), attempts, reason, next);
			}
		}
		this.store.markFailed(failed);
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

	private void shutDown(@Nullable ExecutorService executor) {
		if (executor == null) {
			return;
		}
		executor.shutdown();
		try {
			long wait = this.settings.lease().toMillis();
			if (!executor.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
				logger.warn("Outbox relay sends did not finish within {}; their rows are retried after the lease",
						this.settings.lease());
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			executor.shutdownNow();
		}
	}

	private static String describe(@Nullable Exception ex) {
		if (ex == null) {
			return "unknown error";
		}
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message.lines().findFirst().orElse("") : "");
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private static String ownerName() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "unknown";
		}
		String pid = String.valueOf(ProcessHandle.current().pid());
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String name = host + ":" + pid + ":" + suffix;
		return (name.length() <= 100) ? name : name.substring(name.length() - 100);
	}

}
