package dev.reliablemessaging.autoconfigure.rocketmq;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the RocketMQ name server is, when something other than {@code reliable-messaging.rocketmq.name-server} says
 * so: the embedded broker supplies one, and so can a test that starts a broker of its own. The RocketMQ
 * configuration uses the bean when there is one and the property otherwise.
 */
public interface RocketMqConnectionDetails extends ConnectionDetails {

	/** The name server address, {@code host:port}. */
	String nameServerAddress();

	/**
	 * Whether the broker is a development broker started by the application itself: topics are then created with
	 * the auto-create rules of a single broker.
	 */
	boolean embedded();

}
