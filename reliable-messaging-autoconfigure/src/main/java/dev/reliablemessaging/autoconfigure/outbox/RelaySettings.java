package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.Set;

import dev.reliablemessaging.autoconfigure.support.PropertyChecks;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqProperties;
import dev.reliablemessaging.autoconfigure.rocketmq.SendStatusProperties;
import org.apache.rocketmq.client.producer.SendStatus;

/**
 * The relay's settings, checked once.
 * @param maxAttempts refusals of the message itself after which a row is DEAD
 * @param sendTimeout how long one synchronous send may take
 * @param statementTimeout how long one statement of the relay may take
 * @param maxClaimBytes most payload bytes one claim holds
 */
record RelaySettings(Duration pollInterval, int batchSize, Duration lease, int maxAttempts, Backoff backoff,
		Set<SendStatus> acceptedSendStatuses, Duration retention, int maxBatchBytes, Duration sendTimeout,
		Duration statementTimeout, long maxClaimBytes) {

	/** How many send timeouts a lease must hold: a send starts only while two of them are left. */
	static final int SEND_TIMEOUTS_PER_LEASE = 3;

	public static RelaySettings from(RelayProperties relay, RocketMqProperties rocketmq,
			SendStatusProperties sendStatuses) {
		RelayProperties.Backoff backoff = relay.getBackoff();
		Duration sendTimeout = rocketmq.getSendTimeout();
		String prefix = "reliable-messaging.relay.";
		PropertyChecks.positive(prefix + "poll-interval", relay.getPollInterval());
		PropertyChecks.between(prefix + "batch-size", relay.getBatchSize(), 1, 10_000);
		PropertyChecks.positive(prefix + "lease", relay.getLease());
		PropertyChecks.positive("reliable-messaging.rocketmq.send-timeout", sendTimeout);
		PropertyChecks.check(prefix + "lease", relay.getLease(),
				relay.getLease().compareTo(sendTimeout.multipliedBy(SEND_TIMEOUTS_PER_LEASE)) >= 0,
				"The lease must be at least " + SEND_TIMEOUTS_PER_LEASE + " times reliable-messaging.rocketmq."
						+ "send-timeout (" + sendTimeout + "): a relay starts a send only while the lease can outlast "
						+ "it, and another relay takes the rows once the lease has run out.");
		PropertyChecks.between(prefix + "max-attempts", relay.getMaxAttempts(), 1, 1_000);
		PropertyChecks.positive(prefix + "backoff.initial", backoff.getInitial());
		PropertyChecks.positive(prefix + "backoff.max", backoff.getMax());
		PropertyChecks.check(prefix + "backoff.multiplier", backoff.getMultiplier(), backoff.getMultiplier() >= 1.0,
				"The multiplier must be at least 1.0.");
		PropertyChecks.notNegative(prefix + "retention", relay.getRetention());
		PropertyChecks.positive(prefix + "statement-timeout", relay.getStatementTimeout());
		PropertyChecks.between(prefix + "max-claim-size", relay.getMaxClaimSize().toBytes(), 1, Integer.MAX_VALUE);
		long maxMessageSize = rocketmq.getMaxMessageSize().toBytes();
		return new RelaySettings(relay.getPollInterval(), relay.getBatchSize(), relay.getLease(),
				relay.getMaxAttempts(), new Backoff(backoff.getInitial(), backoff.getMultiplier(), backoff.getMax()),
				sendStatuses.accepted(), relay.getRetention(),
				(int) Math.min(1024 * 1024, maxMessageSize), sendTimeout, relay.getStatementTimeout(),
				relay.getMaxClaimSize().toBytes());
	}

	boolean keepSentRows() {
		return !this.retention.isZero();
	}

}
