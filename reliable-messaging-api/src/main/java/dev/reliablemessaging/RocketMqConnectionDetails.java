package dev.reliablemessaging;

/**
 * Where the RocketMQ name server is, when something other than {@code reliable-messaging.rocketmq.name-server} says
 * so: the embedded broker supplies one, and so can a test or an application that finds its broker at run time. The
 * starter connects to the address of this bean when there is one, and to the property otherwise.
 */
public interface RocketMqConnectionDetails {

	/** The name server address, {@code host:port}. */
	String nameServerAddress();

	/**
	 * Whether the broker is a development broker started by the application itself: topics are then created with
	 * the auto-create rules of a single broker, and a failure to create one stops start-up.
	 */
	boolean embedded();

}
