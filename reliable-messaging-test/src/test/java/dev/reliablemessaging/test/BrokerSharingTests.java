package dev.reliablemessaging.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs three test classes and compares the brokers they were given: two with the same settings share one, a class
 * with {@code shared = false} gets its own, stopped after its tests.
 */
class BrokerSharingTests {

	static final Map<String, RocketMqBroker> brokers = new ConcurrentHashMap<>();

	@Test
	void classesWithTheSameSettingsShareABrokerAndAnUnsharedClassHasItsOwn() {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(First.class), selectClass(Second.class), selectClass(Own.class))
			.build();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		Launcher launcher = LauncherFactory.create();
		launcher.execute(request, listener);

		TestExecutionSummary summary = listener.getSummary();
		assertThat(summary.getFailures()).as("failures of the inner classes").isEmpty();
		assertThat(summary.getTestsSucceededCount()).isEqualTo(3);
		assertThat(brokers.get("first")).isSameAs(brokers.get("second"));
		assertThat(brokers.get("own")).isNotSameAs(brokers.get("first"));
		assertThat(brokers.get("own").nameServer()).isNotEqualTo(brokers.get("first").nameServer());
		assertThat(brokers.get("own").isRunning()).as("the unshared broker after its class").isFalse();
		assertThat(brokers.get("first").isRunning()).as("the shared broker after the classes").isTrue();
	}

	@EmbeddedRocketMqBroker
	static class First {

		@Test
		void recordsItsBroker(RocketMqBroker broker) {
			brokers.put("first", broker);
		}

	}

	@EmbeddedRocketMqBroker(topics = "kit-second")
	static class Second {

		@Test
		void recordsItsBroker(RocketMqBroker broker) {
			brokers.put("second", broker);
		}

	}

	@EmbeddedRocketMqBroker(shared = false)
	static class Own {

		@Test
		void recordsItsBroker(RocketMqBroker broker) {
			assertThat(broker.isRunning()).isTrue();
			brokers.put("own", broker);
		}

	}

}
