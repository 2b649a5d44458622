package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th retry waits between half and all of
 * {@code min(max, initial * multiplier^(n-1))}, so relays that failed together do not retry together.
 */
record Backoff(Duration initial, double multiplier, Duration max) {

	Duration delayAfter(int failedAttempts) {
		double exponential = this.initial.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempts - 1));
		long capped = (long) Math.min(this.max.toMillis(), exponential);
		long half = capped / 2;
		return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
	}

}
