package dev.reliablemessaging.test;

import java.util.List;

/**
 * A running test broker: its name server address, and control over the broker itself. Stopping the broker leaves
 * the name server up (as when a broker machine dies) and keeps the store, so a started broker still has every
 * message it acknowledged.
 */
public interface RocketMqBroker {

	/** The name server address, {@code host:port}. */
	String nameServer();

	/** Creates a topic with four queues, unless it exists, and waits until clients can route it. */
	void createTopic(String topic);

	/** Stops the broker (every broker group); the name server keeps running. */
	void stop();

	/** Starts the broker on its store again and waits until it is registered with the name server. */
	void start();

	/** Whether the broker is running (with several broker groups: all of them). */
	boolean isRunning();

	/**
	 * The names of the brokers: each broker group's, as they appear in routes; with {@link Topology#CONTROLLER} each
	 * replica's ({@code <group>#1}, {@code <group>#2}).
	 */
	List<String> brokers();

	/** The brokers that run and are their group's master now. */
	List<String> masters();

	/** Stops one broker, as when it dies; the others and the name server keep running. */
	void stop(String broker);

	/** Starts one broker on its store again and waits until it is registered. */
	void start(String broker);

}
