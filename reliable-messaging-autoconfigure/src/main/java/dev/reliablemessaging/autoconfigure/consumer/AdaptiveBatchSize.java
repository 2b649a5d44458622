package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * How many messages a concurrent listener handles in one transaction, adapted to the workload: halved whenever such
 * a transaction loses a lock conflict (handlers that update the same rows deadlock together, though each is safe
 * alone), and doubled again, up to the configured size, after a quiet spell. Independent handlers keep the full
 * batch and its fewer commits; contended ones end up handling messages alone, with a probe now and then.
 */
final class AdaptiveBatchSize {

	private static final Duration QUIET_SPELL = Duration.ofSeconds(30);

	private final int configured;

	private final IntConsumer apply;

	private int current;

	private long changedAt = System.nanoTime();

	/**
	 * @param apply takes each new size (the consumer's batch size, which RocketMQ reads for every delivery)
	 */
	AdaptiveBatchSize(int configured, IntConsumer apply) {
		this.configured = configured;
		this.apply = apply;
		this.current = configured;
	}

	synchronized int current() {
		return this.current;
	}

	/** Messages handled together lost a lock conflict. */
	synchronized void failed() {
		set(Math.max(1, this.current / 2));
	}

	/** A delivery was handled; after a quiet spell since the last change, the size grows back. */
	synchronized void handled() {
		if (this.current < this.configured && System.nanoTime() - this.changedAt > QUIET_SPELL.toNanos()) {
			set(Math.min(this.configured, this.current * 2));
		}
	}

	private void set(int size) {
		this.changedAt = System.nanoTime();
		if (size != this.current) {
			this.current = size;
			this.apply.accept(size);
		}
	}

}
