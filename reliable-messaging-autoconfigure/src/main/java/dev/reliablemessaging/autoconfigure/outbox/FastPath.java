package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path: right after a transaction commits, its rows are claimed and sent without waiting for the next
 * poll. Its threads take the rows of all transactions that committed meanwhile in one claim and one send, up to a
 * batch, so many small transactions do not each pay a claim and a send. The poller is its safety net: a row the
 * fast path does not send (its queue is full, a send failed) is sent by the poller.
 */
final class FastPath {

	private static final Logger logger = LoggerFactory.getLogger(FastPath.class);

	private static final int THREADS = 2;

	private static final int QUEUE = 10_000;

	private static final long WAIT_MILLIS = 100;

	private final OutboxClaims claims;

	private final ClaimSender sender;

	private final RelaySettings settings;

	private final String owner;

	/** Message ids of committed rows waiting for the fast path; when it is full, the poller sends the rest. */
	private final BlockingQueue<String> committedIds = new LinkedBlockingQueue<>(QUEUE);

	private volatile State state = State.STOPPED;

	private @Nullable ExecutorService threads;

	FastPath(OutboxClaims claims, ClaimSender sender, RelaySettings settings, String owner) {
		this.claims = claims;
		this.sender = sender;
		this.settings = settings;
		this.owner = owner;
	}

	synchronized void start() {
		this.state = State.RUNNING;
		this.threads = Executors.newFixedThreadPool(THREADS, Relay.threads("rm-relay-fast"));
		for (int i = 0; i < THREADS; i++) {
			this.threads.execute(this::sendCommittedRows);
		}
	}

	/** Sends the rows of a committed transaction soon, if there is room; the poller is the safety net. */
	void offer(List<String> messageIds) {
		if (this.state == State.STOPPED) {
			return;
		}
		for (String messageId : messageIds) {
			if (!this.committedIds.offer(messageId)) {
				return;
			}
		}
	}

	/** Sends what is queued, waiting at most {@code wait}; what is left then is the poller's, here or elsewhere. */
	synchronized void stop(Duration wait) {
		if (this.threads == null) {
			return;
		}
		this.state = State.DRAINING;
		this.threads.shutdown();
		try {
			if (!this.threads.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Fast-path sends did not finish within {}; their rows are sent after the lease", wait);
				this.threads.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.threads.shutdownNow();
		}
		this.state = State.STOPPED;
		this.threads = null;
		this.committedIds.clear();
	}

	/**
	 * A fast-path thread: claims and sends committed rows as they are handed over, the rows of all transactions that
	 * committed meanwhile together, up to a batch. While the relay stops it sends what is queued, then ends.
	 */
	private void sendCommittedRows() {
		List<String> messageIds = new ArrayList<>();
		while (this.state != State.STOPPED) {
			try {
				String first = this.committedIds.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
				if (first == null) {
					if (this.state == State.DRAINING) {
						return;
					}
					continue;
				}
				messageIds.add(first);
				this.committedIds.drainTo(messageIds, this.settings.batchSize() - 1);
				this.sender.send(this.claims.claimWritten(this.owner, messageIds, this.settings.batchSize(),
						this.settings.lease()));
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

	private enum State {

		RUNNING, DRAINING, STOPPED

	}

}
