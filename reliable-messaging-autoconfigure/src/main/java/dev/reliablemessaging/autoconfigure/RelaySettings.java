package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.Set;

import org.apache.rocketmq.client.producer.SendStatus;

/**
 * The relay's settings, checked once.
 */
record RelaySettings(Duration pollInterval, int batchSize, Duration lease, int maxAttempts, Backoff backoff,
		Set<SendStatus> acceptedSendStatuses, Duration retention, int maxBatchBytes) {

	static RelaySettings from(ReliableMessagingProperties properties) {
		ReliableMessagingProperties.Relay relay = properties.getRelay();
		ReliableMessagingProperties.Backoff backoff = relay.getBackoff();
		String prefix = "reliable-messaging.relay.";
		PropertyChecks.positive(prefix + "poll-interval", relay.getPollInterval());
		PropertyChecks.between(prefix + "batch-size", relay.getBatchSize(), 1, 10_000);
		PropertyChecks.positive(prefix + "lease", relay.getLease());
		PropertyChecks.between(prefix + "max-attempts", relay.getMaxAttempts(), 1, 1_000);
		PropertyChecks.positive(prefix + "backoff.initial", backoff.getInitial());
		PropertyChecks.positive(prefix + "backoff.max", backoff.getMax());
		PropertyChecks.check(prefix + "backoff.multiplier", backoff.getMultiplier(), backoff.getMultiplier() >= 1.0,
				"The multiplier must be at least 1.0.");
		PropertyChecks.check(prefix + "accepted-send-statuses", relay.getAcceptedSendStatuses(),
				relay.getAcceptedSendStatuses().contains(SendStatus.SEND_OK),
				"SEND_OK must be among the accepted statuses.");
		PropertyChecks.notNegative(prefix + "retention", relay.getRetention());
		long maxMessageSize = properties.getRocketmq().getMaxMessageSize().toBytes();
		return new RelaySettings(relay.getPollInterval(), relay.getBatchSize(), relay.getLease(),
				relay.getMaxAttempts(), new Backoff(backoff.getInitial(), backoff.getMultiplier(), backoff.getMax()),
				Set.copyOf(relay.getAcceptedSendStatuses()), relay.getRetention(),
				(int) Math.min(1024 * 1024, maxMessageSize));
	}

	boolean keepSentRows() {
		return !this.retention.isZero();
	}

}
