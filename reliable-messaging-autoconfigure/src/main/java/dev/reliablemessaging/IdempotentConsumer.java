package dev.reliablemessaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method at most once per key: in a transaction (joining one that is already active) together
 * with an inbox row keyed by consumer group and key. A second call with the same key finds the row and returns
 * {@code null} without running the method; a call that throws rolls back, so the key can be processed again.
 * <p>
 * For methods that receive messages some other way (a consumer of your own, rocketmq-spring): acknowledge the
 * message only after the method has returned.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface IdempotentConsumer {

	/** SpEL over the method's arguments ({@code #p0}, {@code #name}) giving the dedup key, a message id. */
	String key();

	/** The group the key is unique within; by default the class and method name. */
	String consumerGroup() default "";

}
