package dev.reliablemessaging.autoconfigure.ops;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Thresholds of the reliableMessaging health indicator (with Spring Boot Actuator), under {@code reliable-messaging.health}.
 */
@ConfigurationProperties("reliable-messaging.health")
public class HealthProperties {

	/**
	 * How long no broker may answer before health is DOWN.
	 */
	private Duration brokerUnreachableThreshold = Duration.ofMinutes(1);

	/**
	 * How long an outbox row may wait beyond its due time (a due row not sent, or a row waiting for the broker,
	 * counted from when it was written) before health is DOWN. Rows due later, such as messages published with a
	 * delivery delay, do not count.
	 */
	private Duration pendingAgeThreshold = Duration.ofMinutes(5);

	public Duration getBrokerUnreachableThreshold() {
		return this.brokerUnreachableThreshold;
	}

	public void setBrokerUnreachableThreshold(Duration brokerUnreachableThreshold) {
		this.brokerUnreachableThreshold = brokerUnreachableThreshold;
	}

	public Duration getPendingAgeThreshold() {
		return this.pendingAgeThreshold;
	}

	public void setPendingAgeThreshold(Duration pendingAgeThreshold) {
		this.pendingAgeThreshold = pendingAgeThreshold;
	}


}
