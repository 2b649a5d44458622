package dev.reliablemessaging.autoconfigure.rocketmq;

import java.util.EnumSet;
import java.util.Set;

import dev.reliablemessaging.autoconfigure.support.PropertyChecks;
import org.apache.rocketmq.client.producer.SendStatus;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which broker answers count as stored, under {@code reliable-messaging.relay}: the relay's sends and the consumers'
 * hand-backs (redeliveries, dead letters) both go by them.
 */
@ConfigurationProperties("reliable-messaging.relay")
public class SendStatusProperties {

	/**
	 * Send statuses that count as sent. Others are retried.
	 */
	private Set<SendStatus> acceptedSendStatuses = EnumSet.of(SendStatus.SEND_OK);

	public Set<SendStatus> getAcceptedSendStatuses() {
		return this.acceptedSendStatuses;
	}

	public void setAcceptedSendStatuses(Set<SendStatus> acceptedSendStatuses) {
		this.acceptedSendStatuses = acceptedSendStatuses;
	}

	/** The accepted statuses, checked: SEND_OK must be among them. */
	public Set<SendStatus> accepted() {
		PropertyChecks.check("reliable-messaging.relay.accepted-send-statuses", this.acceptedSendStatuses,
				this.acceptedSendStatuses.contains(SendStatus.SEND_OK), "SEND_OK must be among the accepted statuses.");
		return Set.copyOf(this.acceptedSendStatuses);
	}

}
