package dev.reliablemessaging.autoconfigure.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.reliablemessaging.autoconfigure.consumer.ReliableListeners;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerInspector;
import dev.reliablemessaging.autoconfigure.support.PropertyChecks;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether messaging is healthy: a broker answered within the last {@code brokerUnreachableThreshold}, and
 * no outbox row has waited longer than {@code pendingAgeThreshold} beyond its due time (a row due later, such as a
 * message published with a delivery delay, is planned work and does not count). Remembers when a broker last answered,
 * so a short blip does not turn health DOWN.
 */
final class OperationalState {

	private final BrokerInspector inspector;

	private final @Nullable OutboxAdmin outbox;

	private final @Nullable ReliableListeners listeners;

	private final Duration brokerUnreachableThreshold;

	private final Duration pendingAgeThreshold;

	private final Clock clock;

	private volatile Instant lastBrokerContact;

	OperationalState(BrokerInspector inspector, @Nullable OutboxAdmin outbox, @Nullable ReliableListeners listeners,
			Duration brokerUnreachableThreshold, Duration pendingAgeThreshold, Clock clock) {
		PropertyChecks.positive("reliable-messaging.health.broker-unreachable-threshold", brokerUnreachableThreshold);
		PropertyChecks.positive("reliable-messaging.health.pending-age-threshold", pendingAgeThreshold);
		this.inspector = inspector;
		this.outbox = outbox;
		this.listeners = listeners;
		this.brokerUnreachableThreshold = brokerUnreachableThreshold;
		this.pendingAgeThreshold = pendingAgeThreshold;
		this.clock = clock;
		this.lastBrokerContact = clock.instant();
	}

	/** Asks the brokers and reads the outbox now. */
	Check check() {
		Map<String, Object> details = new LinkedHashMap<>();
		boolean up = true;
		Instant now = this.clock.instant();
		try {
			this.inspector.requireReachableBroker();
			this.lastBrokerContact = now;
			details.put("broker", "reachable");
		}
		catch (Exception ex) {
			Duration unreachable = Duration.between(this.lastBrokerContact, now);
			details.put("broker", "unreachable for " + seconds(unreachable) + ": " + ex.getClass().getSimpleName());
			if (unreachable.compareTo(this.brokerUnreachableThreshold) > 0) {
				up = false;
				details.put("brokerUnreachableThreshold", seconds(this.brokerUnreachableThreshold));
			}
		}
		if (this.outbox != null) {
			// stuck work, not planned work, and the same cost whatever the backlog
			Duration age = this.outbox.longestWait();
			details.put("longestWait", seconds(age));
			if (age.compareTo(this.pendingAgeThreshold) > 0) {
				up = false;
				details.put("pendingAgeThreshold", seconds(this.pendingAgeThreshold));
			}
		}
		if (this.listeners != null) {
			// a parked key waits for an operator, but this instance serves the others: shown, not DOWN
			details.put("parkedMessages", this.listeners.parkedMessages());
		}
		return new Check(up, details);
	}

	private static String seconds(Duration duration) {
		return Math.max(0, duration.toMillis()) / 1000.0 + "s";
	}

	/** The outcome of a check, with the details an operator needs. */
	record Check(boolean up, Map<String, Object> details) {
	}

}
