package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.List;

/**
 * The rows a relay holds until its lease runs out.
 * @param leaseDeadlineNanos when the lease ends, on this JVM's {@link System#nanoTime()}, counted from before the
 * claim began, so never later than the lease in the table
 */
record Claim(List<OutboxRow> rows, long leaseDeadlineNanos) {

	/** How much of the lease is left now. */
	public Duration leaseLeft() {
		return Duration.ofNanos(this.leaseDeadlineNanos - System.nanoTime());
	}

}
