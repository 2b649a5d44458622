package dev.reliablemessaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method at most once per key: in a transaction of the inbox's transaction manager (joining one
 * that is already active) together with an inbox row keyed by consumer group and key. A second call with the same key
 * finds the row and returns {@code null} without running the method; a call that throws rolls back, so the key can be
 * processed again.
 * <p>
 * For methods that receive messages some other way (a consumer of your own, rocketmq-spring): acknowledge the
 * message only after the method has returned. A method that takes a RocketMQ {@code MessageExt} is keyed on its
 * {@link DedupKey} unless {@link #key()} says otherwise.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface IdempotentConsumer {

	/**
	 * SpEL over the method's arguments ({@code #p0}, {@code #name}) giving the dedup key. Empty (the default): the
	 * {@link DedupKey} of the method's {@code MessageExt} parameter, which it must then have.
	 */
	String key() default "";

	/**
	 * The group the key is unique within; by default the method's class, name and parameter types, which identify it
	 * within the application.
	 */
	String consumerGroup() default "";

}
