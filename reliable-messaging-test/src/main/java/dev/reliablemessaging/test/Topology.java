package dev.reliablemessaging.test;

/**
 * The shape of the broker an {@link EmbeddedRocketMqBroker} test runs against.
 */
public enum Topology {

	/** One name server and one broker group with a single master. */
	SINGLE

}
