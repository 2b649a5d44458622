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
	 * Whether the broker is a development or test broker in this JVM (the embedded broker, the test kit's): the
	 * starter then creates the topics the application declares or publishes to, as an operator would, since such a
	 * broker creates none on its own. Against any other cluster it creates none and checks that they exist.
	 */
	boolean embedded();

}
