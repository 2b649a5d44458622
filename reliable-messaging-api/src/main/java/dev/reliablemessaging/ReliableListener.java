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
 * Each message runs the method in a transaction together with an inbox row keyed by consumer group and
 * {@link DedupKey}. The message is acknowledged only after that transaction commits; a redelivered message finds its
 * inbox row and is acknowledged without running the method again. A method that throws rolls back and the message is
 * redelivered: a concurrent listener's after RocketMQ's delay schedule, up to {@link #maxReconsumeTimes()} times, then
 * it is moved to {@code %DLQ%<consumerGroup>}; an orderly listener's after a growing pause, for as long as it fails.
 * A body that can never be bound to the parameter type goes to the dead-letter queue at once; one that cannot be read
 * for a reason that may pass (a codec failure, a property this version does not know) is redelivered.
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

	/**
	 * Redeliveries of a failing message before it goes to the dead-letter queue, 0 to 1000. Left out, a concurrent
	 * listener redelivers 16 times (RocketMQ's default, about 4 hours and 46 minutes on the default delay schedule)
	 * and an orderly listener retries for as long as the message fails, since skipping it would break the order.
	 */
	int maxReconsumeTimes() default DEFAULT_RECONSUME_TIMES;

	/** The value of {@link #maxReconsumeTimes()} that means "the default of the listener's kind". */
	int DEFAULT_RECONSUME_TIMES = -1;

}
