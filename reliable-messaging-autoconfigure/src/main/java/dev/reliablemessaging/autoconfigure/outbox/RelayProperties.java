package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The relay that sends outbox rows to RocketMQ, under {@code reliable-messaging.relay}.
 */
@ConfigurationProperties("reliable-messaging.relay")
public class RelayProperties {

	/**
	 * Whether this instance runs a relay. Publishing works either way.
	 */
	private boolean enabled = true;

	/**
	 * How often the relay looks for due rows when it has nothing to do.
	 */
	private Duration pollInterval = Duration.ofMillis(500);

	/**
	 * Most rows claimed and sent in one round.
	 */
	private int batchSize = 200;

	/**
	 * How long a claim lasts; a relay that has not finished by then loses the rows to another relay.
	 */
	private Duration lease = Duration.ofSeconds(30);

	/**
	 * Sends the broker refuses because of the message itself (illegal, too large, not permitted) after which a
	 * row becomes DEAD. Failures that say nothing about the message (no route, a refused connection, a timeout, a
	 * busy broker, an unconfirmed flush or replication) never count: rows wait out any outage.
	 */
	private int maxAttempts = 16;

	/**
	 * How long one statement of the relay may take; connections of the relay also time out on the network
	 * shortly after, so a half-open connection after a database failover cannot hang the relay.
	 */
	private Duration statementTimeout = Duration.ofSeconds(10);

	private final Backoff backoff = new Backoff();

	/**
	 * Whether rows are sent right after their transaction commits, before the next poll.
	 */
	private boolean sendAfterCommit = true;

	/**
	 * How long SENT rows are kept; 0 deletes them as soon as they are sent.
	 */
	private Duration retention = Duration.ZERO;

	/**
	 * Most payload bytes one claim holds (a single larger row is still claimed alone): what the relay holds in
	 * memory is bounded by its claims (the poller and two fast-path threads), however large the backlog.
	 */
	private DataSize maxClaimSize = DataSize.ofMegabytes(16);

	public DataSize getMaxClaimSize() {
		return this.maxClaimSize;
	}

	public void setMaxClaimSize(DataSize maxClaimSize) {
		this.maxClaimSize = maxClaimSize;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public Duration getLease() {
		return this.lease;
	}

	public void setLease(Duration lease) {
		this.lease = lease;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public Duration getStatementTimeout() {
		return this.statementTimeout;
	}

	public void setStatementTimeout(Duration statementTimeout) {
		this.statementTimeout = statementTimeout;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Backoff getBackoff() {
		return this.backoff;
	}

	public boolean isSendAfterCommit() {
		return this.sendAfterCommit;
	}

	public void setSendAfterCommit(boolean sendAfterCommit) {
		this.sendAfterCommit = sendAfterCommit;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}


	/** Exponential backoff between failed sends of a row. */
	public static class Backoff {

		/**
		 * Delay after the first failure.
		 */
		private Duration initial = Duration.ofSeconds(1);

		/**
		 * Factor applied to the delay after each further failure.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between attempts.
		 */
		private Duration max = Duration.ofMinutes(5);

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

	}

}
