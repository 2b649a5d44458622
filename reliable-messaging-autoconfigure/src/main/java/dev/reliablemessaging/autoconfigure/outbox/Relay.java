package dev.reliablemessaging.autoconfigure.outbox;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Sends outbox rows to RocketMQ. A poller claims due rows on a fixed delay and drains the backlog; the fast path
 * sends the rows of a transaction right after it commits. Both claim through {@link OutboxClaims}, so a row is never
 * sent by both.
 * <p>
 * The relay starts before the web server and stops after it: its phase is below the web server's graceful shutdown
 * and its stop, so the rows committed by requests that finish during a graceful shutdown, and by listeners, which
 * stop before it, are still sent by this instance. In-flight sends finish before claims are handed back.
 */
public final class Relay implements SmartLifecycle {

	/** Below Spring Boot's web server phases (graceful shutdown at {@code MAX_VALUE - 1024}, stop at {@code - 2048}). */
	static final int PHASE = Integer.MAX_VALUE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(Relay.class);

	private static final int CLEANUP_BATCH = 1_000;

	/** How long an ordering key's lock row is kept unused before it is removed; a key in use keeps its row. */
	private static final Duration KEY_LOCK_UNUSED = Duration.ofMinutes(10);

	private final OutboxClaims claims;

	private final OutboxRows rows;

	private final ClaimSender sender;

	private final RelaySettings settings;

	private final String owner;

	private final FastPath fastPath;

	private volatile boolean running;

	private @Nullable ScheduledExecutorService poller;

	public Relay(OutboxClaims claims, OutboxRows rows, ClaimSender sender, RelaySettings settings) {
		this.claims = claims;
		this.rows = rows;
		this.sender = sender;
		this.settings = settings;
		this.owner = ownerName();
		this.fastPath = new FastPath(claims, sender, settings, this.owner);
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.poller = Executors.newSingleThreadScheduledExecutor(threads("rm-relay-poller"));
		this.running = true;
		this.fastPath.start();
		long interval = this.settings.pollInterval().toMillis();
		this.poller.scheduleWithFixedDelay(this::pollSafely, 0, interval, TimeUnit.MILLISECONDS);
		long cleanup = this.settings.keepSentRows()
				? Math.min(Duration.ofMinutes(1).toMillis(), this.settings.retention().toMillis())
				: Duration.ofMinutes(1).toMillis();
		this.poller.scheduleWithFixedDelay(this::cleanUpSafely, cleanup, cleanup, TimeUnit.MILLISECONDS);
		logger.info("Outbox relay {} started (poll every {}, batches of {})", this.owner,
				this.settings.pollInterval(), this.settings.batchSize());
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		shutDown(this.poller);
		this.fastPath.stop(this.settings.lease());
		int released = this.rows.releaseAll(this.owner);
		logger.info("Outbox relay {} stopped; {} claimed rows handed back", this.owner, released);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** Sends the rows of a committed transaction soon, if the fast path has room; the poller is the safety net. */
	void sendSoon(List<String> messageIds) {
		this.fastPath.offer(messageIds);
	}

	/**
	 * Makes the rows whose time has come due, then claims and sends due rows until fewer than a full batch are due.
	 * While the broker answers, rows that waited for it are made due a batch at a time as the relay sends them, so an
	 * outage ends for every row when it ends for the broker, and a broker that fails again stops the flow.
	 */
	public void poll() {
		int batch = this.settings.batchSize();
		boolean more = true;
		while (this.running && more) {
			int due = this.rows.promoteDue(batch);
			int released = this.sender.brokerAnswers() ? this.rows.releaseRetrying(batch) : 0;
			more = claimAndSend() == batch || due == batch || released == batch;
		}
	}

	public String owner() {
		return this.owner;
	}

	private int claimAndSend() {
		Claim claim = this.claims.claimDue(this.owner, this.settings.batchSize(), this.settings.lease());
		if (!claim.rows().isEmpty()) {
			this.sender.send(claim);
		}
		return claim.rows().size();
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
			int deleted;
			do {
				deleted = this.rows.deleteUnusedKeyLocks(KEY_LOCK_UNUSED, CLEANUP_BATCH);
			}
			while (deleted == CLEANUP_BATCH && this.running);
			if (this.settings.keepSentRows()) {
				do {
					deleted = this.rows.deleteSentBefore(this.settings.retention(), CLEANUP_BATCH);
				}
				while (deleted == CLEANUP_BATCH && this.running);
			}
		}
		catch (Throwable ex) {
			logger.warn("Removing SENT outbox rows past their retention, or unused ordering locks, failed", ex);
		}
	}

	private void shutDown(@Nullable ScheduledExecutorService executor) {
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

	static ThreadFactory threads(String prefix) {
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
