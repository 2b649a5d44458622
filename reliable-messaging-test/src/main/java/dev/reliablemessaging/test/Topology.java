package dev.reliablemessaging.test;

/**
 * The shape of the broker an {@link EmbeddedRocketMqBroker} test runs against.
 */
public enum Topology {

	/** One name server and one broker group with a single master. */
	SINGLE,

	/**
	 * One name server and two broker groups, each a single master, with every topic created by the test broker on
	 * both: the queues of a topic are spread over two groups, as in a production cluster.
	 */
	TWO_GROUPS,

	/**
	 * RocketMQ 5's controller mode: a controller and one broker group of two replicas, whose master the controller
	 * elects, and elects again when the master dies; a message is acknowledged once both replicas in sync have it.
	 */
	CONTROLLER

}
