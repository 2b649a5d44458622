package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay keeps going whatever the application's settings and the network do: its own column formats do not
 * depend on the application's JSON mapper, a black-holed name server does not hold up its claims, and when the broker
 * answers again after an outage every row that waited for it goes at once, not after its own backoff.
 */
class RelayResilienceTests {

	@Test
	void theApplicationsJsonSettingsDoNotChangeTheRelaysOwnFormats() {
		String topic = TestContexts.uniqueTopic("wrapped");
		TestContexts.onSharedBroker()
			.withPropertyValues("spring.jackson.serialization.wrap-root-value=true",
					"reliable-messaging.rocketmq.topics=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
					transactions(context).executeWithoutResult((status) -> context.getBean(OutboxPublisher.class)
						.publish(OutboundMessage.builder(topic).header("source", "test").payload("hello").build()));
					await().atMost(Duration.ofSeconds(20)).until(() -> probe.received().size() == 1);
					assertThat(probe.received().get(0).getUserProperty("source")).isEqualTo("test");
				}
			});
	}

	@Test
	void aBlackHoledNameServerDoesNotStallOrderedOrUnorderedRows() throws Exception {
		String ordered = TestContexts.uniqueTopic("black-hole-ordered");
		String unordered = TestContexts.uniqueTopic("black-hole-unordered");
		String nameServer = SharedBroker.nameServer();
		SharedBroker.createTopic(ordered, 4);
		SharedBroker.createTopic(unordered, 4);
		try (FreezingProxy proxy = new FreezingProxy("127.0.0.1", Integer.parseInt(nameServer.split(":")[1]));
				BrokerProbe orderedProbe = BrokerProbe.consumeOrderly(nameServer, ordered);
				BrokerProbe unorderedProbe = BrokerProbe.consume(nameServer, unordered)) {
			TestContexts.runner()
				.withPropertyValues("reliable-messaging.rocketmq.name-server=127.0.0.1:" + proxy.port(),
						"reliable-messaging.rocketmq.topics=" + ordered + "," + unordered,
						"reliable-messaging.rocketmq.route-refresh-interval=1s",
						"reliable-messaging.relay.send-after-commit=false", "reliable-messaging.relay.poll-interval=100ms",
						"reliable-messaging.relay.backoff.initial=100ms", "reliable-messaging.relay.backoff.max=1s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					// the relay has sent to both topics, so it knows their routes
					publish(context, ordered, unordered, 0, 1);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> orderedProbe.received().size() == 10 && unorderedProbe.received().size() == 10);
					proxy.blackHole();
					Instant blackHoled = Instant.now();
					publish(context, ordered, unordered, 1, 6);
					await("every row while the name server is black-holed").atMost(Duration.ofSeconds(30))
						.until(() -> orderedProbe.received().size() == 60 && unorderedProbe.received().size() == 60);
					System.out.println("All 100 rows published while the name server was black-holed arrived "
							+ Duration.between(blackHoled, Instant.now()).toMillis() + " ms after it was cut");
					Map<String, List<Integer>> byKey = new TreeMap<>(orderedProbe.received()
						.stream()
						.collect(Collectors.groupingBy((m) -> BrokerProbe.body(m).split(":")[0],
								Collectors.mapping((m) -> Integer.parseInt(BrokerProbe.body(m).split(":")[1]),
										Collectors.toList()))));
					byKey.forEach((key, seqs) -> assertThat(seqs.stream().distinct()).as(key)
						.containsExactly(0, 1, 2, 3, 4, 5));
				});
		}
	}

	@Test
	void whenTheBrokerAnswersAgainEveryRowThatWaitedForItGoesAtOnce() {
		String topic = TestContexts.uniqueTopic("outage-drain");
		try (EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(SharedBroker.tempDir("outage-drain")))) {
			rocketMq.startNameServer();
			TestContexts.runner()
				.withPropertyValues("reliable-messaging.rocketmq.name-server=" + rocketMq.nameServerAddress(),
						"reliable-messaging.rocketmq.route-refresh-interval=1s",
						"reliable-messaging.relay.poll-interval=100ms", "reliable-messaging.relay.backoff.initial=2s",
						"reliable-messaging.relay.backoff.multiplier=4", "reliable-messaging.relay.backoff.max=30s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					OutboxTableProbe outbox = new OutboxTableProbe(context);
					List<String> published = outbox.publish(topic, 100, 10);
					// every row has failed three times: the next attempts are up to 30 s away
					await().atMost(Duration.ofSeconds(60)).until(() -> outbox.minAttempts() >= 3);
					rocketMq.startBroker();
					rocketMq.createTopic(topic, 4);
					try (BrokerProbe probe = BrokerProbe.consume(rocketMq.nameServerAddress(), topic)) {
						await().atMost(Duration.ofSeconds(60)).until(() -> !probe.received().isEmpty());
						Instant firstAccepted = Instant.now();
						await().atMost(Duration.ofSeconds(60))
							.until(() -> probe.countsByMessageId().keySet().containsAll(published));
						Duration drain = Duration.between(firstAccepted, Instant.now());
						System.out.println("Drain after the broker answers: " + drain.toMillis() + " ms for "
								+ published.size() + " rows");
						assertThat(drain).as("from the first accepted send to the last row").isLessThan(
								Duration.ofSeconds(5));
					}
				});
		}
	}

	/** Ten keys, sequence numbers {@code from} to {@code to}, one ordered and one unordered message each. */
	private static void publish(ApplicationContext context, String ordered, String unordered, int from, int to) {
		OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
		TransactionTemplate transactions = transactions(context);
		List<String> keys = new ArrayList<>();
		for (int k = 0; k < 10; k++) {
			keys.add("key-" + k);
		}
		for (int seq = from; seq < to; seq++) {
			int n = seq;
			transactions.executeWithoutResult((status) -> keys.forEach((key) -> {
				publisher.publish(OutboundMessage.builder(ordered).orderingKey(key).payload(key + ":" + n).build());
				publisher.publish(OutboundMessage.builder(unordered).payload(key + ":" + n).build());
			}));
		}
	}

	private static TransactionTemplate transactions(ApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

}
