package dev.reliablemessaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Publishes one message when the annotated method returns normally, by writing an outbox row in the caller's
 * transaction. The row is sent to RocketMQ after the transaction commits; a rollback leaves no row and sends
 * nothing. Calling the method without an active transaction fails before the method runs.
 * <p>
 * {@link #key()}, {@link #orderingKey()}, {@link #payload()} and {@link #condition()} are SpEL expressions over the
 * method's arguments ({@code #p0}, {@code #a0} or {@code #name}) and its return value ({@code #result}).
 * {@link #topic()} and {@link #tag()} are plain text that may hold {@code ${...}} property placeholders and
 * {@code #{...}} SpEL templates, for example {@code topic = "${app.topic}"} or {@code tag = "#{#p0.type}"}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReliablePublish {

	/** The RocketMQ topic. Placeholders and {@code #{...}} templates are resolved. */
	String topic();

	/** The RocketMQ tag; empty for none. Placeholders and {@code #{...}} templates are resolved. */
	String tag() default "";

	/** SpEL for the business key (RocketMQ {@code KEYS}, together with the message id); empty for none. */
	String key() default "";

	/**
	 * SpEL for the ordering key; empty for unordered. Messages with the same ordering key go to the same queue in
	 * the order they were published.
	 */
	String orderingKey() default "";

	/** SpEL for the payload; by default the method's return value. */
	String payload() default "#result";

	/** SpEL that must be {@code true} for the message to be published; empty to always publish. */
	String condition() default "";

}
