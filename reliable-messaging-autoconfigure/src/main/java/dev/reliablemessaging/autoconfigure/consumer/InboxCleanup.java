package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Removes inbox rows older than the dedup window, by the database's clock, in batches, on a schedule of its own.
 */
public final class InboxCleanup implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(InboxCleanup.class);

	private static final int BATCH = 1_000;

	private static final Duration LONGEST_INTERVAL = Duration.ofHours(1);

	private final InboxStore inbox;

	private final Duration dedupWindow;

	private @Nullable ScheduledExecutorService scheduler;

	public InboxCleanup(InboxStore inbox, Duration dedupWindow) {
		this.inbox = inbox;
		this.dedupWindow = dedupWindow;
	}

	@Override
	public synchronized void start() {
		long interval = Math.max(1, Math.min(LONGEST_INTERVAL.toMillis(), this.dedupWindow.toMillis() / 4));
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "rm-inbox-cleanup");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleWithFixedDelay(this::removeExpired, interval, interval, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/** Deletes expired rows until none are left; returns how many. */
	public int removeExpired() {
		int total = 0;
		try {
			int deleted;
			do {
				deleted = this.inbox.deleteProcessedBefore(this.dedupWindow, BATCH);
				total += deleted;
			}
			while (deleted == BATCH);
		}
		catch (RuntimeException ex) {
			logger.warn("Removing inbox rows older than {} failed", this.dedupWindow, ex);
		}
		return total;
	}

}
