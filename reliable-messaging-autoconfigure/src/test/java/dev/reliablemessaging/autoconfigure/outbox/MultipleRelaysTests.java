package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances drain one outbox table: every row is delivered, and none twice.
 */
class MultipleRelaysTests {

	@Test
	void twoRelaysOverOneTableDeliverEveryRowOnce() {
		String topic = TestContexts.uniqueTopic("two-relays");
		String database = TestContexts.h2Url();
		ApplicationContextRunner instance = TestContexts.onSharedBroker()
			.withPropertyValues("spring.datasource.url=" + database, "reliable-messaging.relay.batch-size=25",
					"reliable-messaging.relay.send-after-commit=false", "reliable-messaging.rocketmq.topics=" + topic);
		instance.run((first) -> instance.run((second) -> {
			assertThat(first.getBean(Relay.class).owner()).isNotEqualTo(second.getBean(Relay.class).owner());
			try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
				OutboxTableProbe outbox = new OutboxTableProbe(first);
				List<String> published = outbox.publish(topic, 2000, 50);
				await().atMost(Duration.ofSeconds(60)).until(() -> outbox.total() == 0);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> probe.countsByMessageId().keySet().containsAll(published));
				Map<String, Long> counts = probe.countsByMessageId();
				long sentTwice = counts.values().stream().filter((count) -> count > 1).count();
				System.out.printf("Two relays, one table: %d rows published, %d distinct delivered, %d sent twice%n",
						published.size(), counts.size(), sentTwice);
				assertThat(new HashSet<>(counts.keySet())).isEqualTo(new HashSet<>(published));
				assertThat(sentTwice).isZero();
			}
		}));
	}

}
