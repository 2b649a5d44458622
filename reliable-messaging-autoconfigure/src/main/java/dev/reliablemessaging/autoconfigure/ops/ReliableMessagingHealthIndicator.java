package dev.reliablemessaging.autoconfigure.ops;

import dev.reliablemessaging.autoconfigure.ops.OperationalState.Check;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of messaging, shown as {@code reliableMessaging}: DOWN when no broker has answered for longer than
 * {@code reliable-messaging.health.broker-unreachable-threshold}, or the oldest pending outbox row is older than
 * {@code reliable-messaging.health.pending-age-threshold}; the details give pending and dead rows and the oldest
 * pending row's age.
 */
final class ReliableMessagingHealthIndicator implements HealthIndicator {

	private final OperationalState state;

	ReliableMessagingHealthIndicator(OperationalState state) {
		this.state = state;
	}

	@Override
	public Health health() {
		Check check = this.state.check();
		return (check.up() ? Health.up() : Health.down()).withDetails(check.details()).build();
	}

}
