package dev.reliablemessaging.test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.store.config.FlushDiskType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The test brokers of this JVM: one shared broker per settings, and the brokers of classes that asked for their own.
 * The JUnit extension and the Spring context customizer both come here, so a Spring test class and its extension see
 * the same broker.
 */
final class TestBrokers {

	private static final Map<Settings, TestBroker> shared = new ConcurrentHashMap<>();

	private static final Map<Class<?>, TestBroker> own = new ConcurrentHashMap<>();

	private static final Set<Class<?>> ownedByContext = ConcurrentHashMap.newKeySet();

	private static final Logger logger = LoggerFactory.getLogger(TestBrokers.class);

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(TestBrokers::closeAll, "test-brokers-shutdown"));
	}

	private TestBrokers() {
	}

	/** The broker of a test class that carries {@code annotation}, started on first use, with its topics created. */
	static TestBroker forClass(Class<?> testClass, EmbeddedRocketMqBroker annotation) {
		Settings settings = new Settings(annotation.flushDiskType(), annotation.topology());
		TestBroker broker = annotation.shared()
				? shared.computeIfAbsent(settings, TestBrokers::start)
				: own.computeIfAbsent(testClass, (key) -> start(settings));
		for (String topic : annotation.topics()) {
			broker.createTopic(topic);
		}
		return broker;
	}

	/** Closes the broker of a class that had its own, unless an application context uses it: then that closes it. */
	static void release(Class<?> testClass) {
		if (!ownedByContext.contains(testClass)) {
			close(own.remove(testClass));
		}
	}

	/** Makes the broker of a class that has its own close after the application context that uses it. */
	static void closeWithContext(Class<?> testClass, ConfigurableApplicationContext context) {
		if (ownedByContext.add(testClass)) {
			context.addApplicationListener((ApplicationListener<ContextClosedEvent>) (event) -> {
				ownedByContext.remove(testClass);
				close(own.remove(testClass));
			});
		}
	}

	private static TestBroker start(Settings settings) {
		return new TestBroker(settings.flushDiskType(), settings.topology());
	}

	private static void closeAll() {
		shared.values().forEach(TestBrokers::close);
		own.values().forEach(TestBrokers::close);
	}

	private static void close(@Nullable TestBroker broker) {
		if (broker == null) {
			return;
		}
		try {
			broker.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not close {}", broker, ex);
		}
	}

	private record Settings(FlushDiskType flushDiskType, Topology topology) {
	}

}
