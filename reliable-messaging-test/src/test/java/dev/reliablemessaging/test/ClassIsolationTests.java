package dev.reliablemessaging.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Two test classes on one shared broker, with the same topic and consumer group and different application contexts
 * (Spring keeps the first one cached, paused): the second class's listener receives every message the second class
 * sends, none goes to the first class's context, and a consumer group that is new in the second class does not
 * receive what the first class left in its topic.
 */
class ClassIsolationTests {

	static final String TOPIC = "kit-isolation";

	static final String LATE_TOPIC = "kit-isolation-late";

	static final String GROUP = "kit-isolation-group";

	static final String LATE_GROUP = "kit-isolation-late-group";

	/** What the listeners handled, as {@code role:payload}. */
	static final List<String> handled = new CopyOnWriteArrayList<>();

	static final List<String> lateHandled = new CopyOnWriteArrayList<>();

	@Test
	void aTestClassReceivesOnlyWhatItsOwnContextSent() {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(First.class), selectClass(Second.class))
			.build();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request, listener);

		assertThat(listener.getSummary().getFailures()).as("failures of the inner classes")
			.extracting((failure) -> failure.getException().toString())
			.isEmpty();
		assertThat(listener.getSummary().getTestsSucceededCount()).isEqualTo(2);
	}

	@EnableAutoConfiguration
	@Import(IsolationListener.class)
	static class IsolationApplication {

	}

	@Import(LateListener.class)
	static class WithLateListener {

	}

	static class IsolationListener {

		@Value("${isolation.role}")
		String role;

		@ReliableListener(topic = TOPIC, consumerGroup = GROUP)
		public void on(String payload) {
			handled.add(this.role + ":" + payload);
		}

	}

	static class LateListener {

		@ReliableListener(topic = LATE_TOPIC, consumerGroup = LATE_GROUP)
		public void on(String payload) {
			lateHandled.add(payload);
		}

	}

	/** Handles its own messages, then leaves messages in a topic nobody in its context listens to. */
	@SpringBootTest(classes = IsolationApplication.class, properties = "isolation.role=first")
	@EmbeddedRocketMqBroker(topics = { TOPIC, LATE_TOPIC })
	static class First {

		@Autowired
		OutboxPublisher publisher;

		@Autowired
		TransactionTemplate transactions;

		@Test
		void handlesItsOwnAndLeavesSomeBehind(RocketMqBroker broker) {
			for (int i = 1; i <= 4; i++) {
				String payload = "first-" + i;
				this.transactions.executeWithoutResult((status) -> this.publisher.publish(TOPIC, payload));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 4);
			for (int i = 1; i <= 5; i++) {
				RocketMqTestUtils.send(broker.nameServer(), LATE_TOPIC, "left-behind-" + i);
			}
		}

	}

	/** Another context, the same group and topic, and a group that is new. */
	@SpringBootTest(classes = { IsolationApplication.class, WithLateListener.class },
			properties = "isolation.role=second")
	@EmbeddedRocketMqBroker(topics = { TOPIC, LATE_TOPIC })
	static class Second {

		@Autowired
		OutboxPublisher publisher;

		@Autowired
		TransactionTemplate transactions;

		@Test
		void receivesOnlyWhatItSent(RocketMqBroker broker) {
			handled.clear();
			// sent one by one, so that they spread over every queue of the topic
			for (int i = 1; i <= 12; i++) {
				RocketMqTestUtils.send(broker.nameServer(), TOPIC, "second-" + i);
			}
			this.transactions.executeWithoutResult((status) -> this.publisher.publish(LATE_TOPIC, "late-own"));
			await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() >= 12 && lateHandled.contains("late-own"));
			TestBroker testBroker = (TestBroker) broker;
			await("the new group consumed up to the end of its topic").atMost(Duration.ofSeconds(60))
				.until(() -> testBroker.caughtUp(LATE_GROUP, LATE_TOPIC));
			assertThat(handled).as("handled in the group both contexts share")
				.hasSize(12)
				.allMatch((entry) -> entry.startsWith("second:"));
			assertThat(lateHandled).as("handled by the group new in this class").containsExactly("late-own");
		}

	}

}
