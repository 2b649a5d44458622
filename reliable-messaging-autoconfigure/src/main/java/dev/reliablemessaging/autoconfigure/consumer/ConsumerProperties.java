package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Consumers created for @ReliableListener methods, under {@code reliable-messaging.consumer}.
 */
@ConfigurationProperties("reliable-messaging.consumer")
public class ConsumerProperties {

	/**
	 * How long inbox rows are kept to recognise duplicates; must exceed the longest redelivery schedule.
	 */
	private Duration dedupWindow = Duration.ofDays(7);

	/**
	 * Threads per listener that run handlers.
	 */
	private int threads = 8;

	/**
	 * Most messages a concurrent listener handles in one transaction, with one commit for all of them. When one
	 * of them fails, each is handled again in a transaction of its own and only the failed ones are redelivered.
	 * Orderly listeners handle one message per transaction.
	 */
	private int batchSize = 16;

	/**
	 * Where a consumer group that has no committed offset yet starts reading.
	 */
	private StartFrom startFrom = StartFrom.EARLIEST;

	/**
	 * How long stopping the application waits for running handlers to finish.
	 */
	private Duration shutdownWait = Duration.ofSeconds(30);

	/**
	 * Bean name of the transaction manager handlers run in, when several manage the DataSource of the inbox; by
	 * default the one that manages it. It must manage that DataSource: start-up checks.
	 */
	private @Nullable String transactionManager;

	private final Orderly orderly = new Orderly();

	public Orderly getOrderly() {
		return this.orderly;
	}

	public @Nullable String getTransactionManager() {
		return this.transactionManager;
	}

	public void setTransactionManager(@Nullable String transactionManager) {
		this.transactionManager = transactionManager;
	}

	public int getThreads() {
		return this.threads;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public void setThreads(int threads) {
		this.threads = threads;
	}

	public StartFrom getStartFrom() {
		return this.startFrom;
	}

	public void setStartFrom(StartFrom startFrom) {
		this.startFrom = startFrom;
	}

	public Duration getShutdownWait() {
		return this.shutdownWait;
	}

	public void setShutdownWait(Duration shutdownWait) {
		this.shutdownWait = shutdownWait;
	}

	public Duration getDedupWindow() {
		return this.dedupWindow;
	}

	public void setDedupWindow(Duration dedupWindow) {
		this.dedupWindow = dedupWindow;
	}


	/** Orderly listeners ({@code @ReliableListener(orderly = true)}). */
	public static class Orderly {

		/**
		 * How many times a message may fail in its handler before it is parked: held in the database, with the later
		 * messages of its ordering key behind it, until an operator releases or dead-letters it, while the other
		 * keys of its queue go on. Failures to reach the database do not count. A body that can never be read is
		 * parked at once.
		 */
		private int parkAfterFailures = 10;

		public int getParkAfterFailures() {
			return this.parkAfterFailures;
		}

		public void setParkAfterFailures(int parkAfterFailures) {
			this.parkAfterFailures = parkAfterFailures;
		}

	}

	/** Where a new consumer group starts reading a topic. */
	public enum StartFrom {

		/** The oldest message the broker still has: nothing published before the group existed is missed. */
		EARLIEST,

		/** New messages only. */
		LATEST

	}

}
