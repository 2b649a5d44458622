package dev.reliablemessaging;

/**
 * Writes messages to the outbox table in the caller's transaction. Each message is sent to RocketMQ after the
 * transaction commits; a rollback discards it.
 */
public interface OutboxPublisher {

	/**
	 * Publishes a payload to a topic with no tag, key or ordering.
	 * @param topic the RocketMQ topic
	 * @param payload a {@code byte[]}, a {@code String} or an object serialized to JSON
	 * @return the message id that travels with the message and identifies it to consumers
	 * @throws org.springframework.transaction.IllegalTransactionStateException if no transaction is active
	 * @throws ReliableMessagingException if the payload cannot be serialized or is too large
	 */
	String publish(String topic, Object payload);

	/**
	 * Publishes a message.
	 * @param message the message
	 * @return the message id that travels with the message and identifies it to consumers
	 * @throws org.springframework.transaction.IllegalTransactionStateException if no transaction is active
	 * @throws ReliableMessagingException if the payload cannot be serialized or is too large
	 */
	String publish(OutboundMessage message);

}
