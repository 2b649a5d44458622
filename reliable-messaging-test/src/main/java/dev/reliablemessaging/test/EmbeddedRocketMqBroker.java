package dev.reliablemessaging.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apache.rocketmq.store.config.FlushDiskType;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the tests of a JUnit 5 class against a real RocketMQ name server and broker in the test JVM, started before
 * the class. By default one broker serves every test class of the JVM that asks for the same settings; tests keep
 * apart by using topics and consumer groups of their own.
 * <p>
 * The broker is shaped as production brokers are: it creates no topic on its own. In a Spring test the application
 * context is pointed at it ({@code reliable-messaging.rocketmq.name-server}), and the starter creates the topics the
 * application declares or publishes to, as an operator would. In any test, a parameter of type
 * {@link RocketMqBroker} (of a test method, a lifecycle method or the constructor) gives its address, creates topics
 * and lets the test stop and start the broker.
 * <p>
 * The broker redelivers a failed message after one second at every level, instead of RocketMQ's schedule of 10
 * seconds and more, so that tests of retries take seconds.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedRocketMqBrokerExtension.class)
public @interface EmbeddedRocketMqBroker {

	/**
	 * Topics to create, with four queues each, before the tests run. The application's own topics are created by the
	 * starter; list here the topics a test sends to or reads from directly.
	 */
	String[] topics() default {};

	/** How the broker writes messages to disk. */
	FlushDiskType flushDiskType() default FlushDiskType.SYNC_FLUSH;

	/** The broker's topology. */
	Topology topology() default Topology.SINGLE;

	/**
	 * Whether the broker is shared with the other test classes of the JVM that ask for the same settings; when
	 * {@code false} the class gets a broker of its own, stopped after its tests.
	 */
	boolean shared() default true;

}
