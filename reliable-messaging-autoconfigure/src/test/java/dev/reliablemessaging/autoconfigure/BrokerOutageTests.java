package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages published while the broker is down wait in the outbox and all arrive once it is back.
 */
class BrokerOutageTests {

	@Test
	void messagesPublishedWhileTheBrokerIsDownStayPendingAndAllArriveWhenItReturns() {
		String topic = TestContexts.uniqueTopic("outage");
		try (EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(SharedBroker.tempDir("outage")))) {
			rocketMq.startNameServer();
			TestContexts.runner()
				.withPropertyValues("reliable-messaging.rocketmq.name-server=" + rocketMq.nameServerAddress(),
						"reliable-messaging.relay.poll-interval=100ms", "reliable-messaging.relay.backoff.initial=100ms",
						"reliable-messaging.relay.backoff.max=500ms", "reliable-messaging.relay.max-attempts=1000")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					OutboxTableProbe outbox = new OutboxTableProbe(context);
					List<String> published = outbox.publish(topic, 1000, 100);
					await().atMost(Duration.ofSeconds(30)).until(() -> outbox.minAttempts() >= 2);
					assertThat(outbox.count("PENDING") + outbox.count("RETRYING")).isEqualTo(1000);
					assertThat(outbox.total()).isEqualTo(1000);

					rocketMq.startBroker();
					rocketMq.createTopic(topic, 4);
					try (BrokerProbe probe = BrokerProbe.consume(rocketMq.nameServerAddress(), topic)) {
						await().atMost(Duration.ofSeconds(60))
							.until(() -> probe.countsByMessageId().keySet().containsAll(published));
						assertThat(new HashSet<>(probe.countsByMessageId().keySet())).isEqualTo(new HashSet<>(published));
						await().atMost(Duration.ofSeconds(10)).until(() -> outbox.total() == 0);
					}
				});
		}
	}

}
