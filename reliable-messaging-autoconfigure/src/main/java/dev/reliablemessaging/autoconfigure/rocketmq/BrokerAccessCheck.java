package dev.reliablemessaging.autoconfigure.rocketmq;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Stops start-up when the broker refuses the starter's credentials (or asks for credentials that are not
 * configured): nothing could be sent or received, and the relay would retry forever. A broker that is down is not
 * a reason to stop; the outbox keeps the messages until it is back. The secret key never appears in the message.
 */
final class BrokerAccessCheck implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(BrokerAccessCheck.class);

	private final BrokerInspector inspector;

	private final @Nullable String accessKey;

	BrokerAccessCheck(BrokerInspector inspector, @Nullable String accessKey) {
		this.inspector = inspector;
		this.accessKey = accessKey;
	}

	@Override
	public void afterSingletonsInstantiated() {
		try {
			this.inspector.requireReachableBroker();
		}
		catch (Exception ex) {
			if (BrokerInspector.credentialsRefused(ex)) {
				throw new IllegalStateException(refusal(BrokerInspector.brokerMessage(ex)));
			}
			logger.warn("No RocketMQ broker answered at start-up ({}); messages wait in the outbox until one does",
					ex.toString());
		}
	}

	private String refusal(String brokerSays) {
		if (this.accessKey == null) {
			return "The RocketMQ broker requires authentication (it answered: " + brokerSays + "). Set "
					+ "reliable-messaging.rocketmq.access-key and reliable-messaging.rocketmq.secret-key.";
		}
		return "The RocketMQ broker refused the credentials of access key '" + this.accessKey + "' (it answered: "
				+ brokerSays + "). Check reliable-messaging.rocketmq.access-key and "
				+ "reliable-messaging.rocketmq.secret-key against the broker's users.";
	}

}
