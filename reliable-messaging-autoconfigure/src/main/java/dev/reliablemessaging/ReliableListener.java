package dev.reliablemessaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Consumes a RocketMQ topic with the annotated method. The starter creates, starts and stops one push consumer per
 * annotated method. The method takes the payload type (bound from JSON, or {@code String} / {@code byte[]}) and,
 * optionally, a {@link MessageContext}; it must return {@code void} and run synchronously.
 * <p>
 * Each message runs the method in a transaction together with an inbox row keyed by consumer group and message id.
 * The message is acknowledged only after that transaction commits; a redelivered message finds its inbox row and is
 * acknowledged without running the method again. A method that throws rolls back and the message is redelivered,
 * up to {@link #maxReconsumeTimes()} times, then moved to {@code %DLQ%<consumerGroup>}. A body that cannot be bound
 * to the parameter type goes to the dead-letter queue at once.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReliableListener {

	/** The topic; {@code ${...}} placeholders are resolved. */
	String topic();

	/** The consumer group; {@code ${...}} placeholders are resolved. */
	String consumerGroup();

	/** Tag subscription expression, for example {@code "*"} or {@code "created || updated"}. */
	String tag() default "*";

	/** Consume each queue in order, one message at a time, for topics published with an ordering key. */
	boolean orderly() default false;

	/** Redeliveries of a failing message before it goes to the dead-letter queue. */
	int maxReconsumeTimes() default 16;

}
