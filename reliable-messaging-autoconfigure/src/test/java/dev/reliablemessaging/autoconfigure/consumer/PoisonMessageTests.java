package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import org.apache.rocketmq.common.MixAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One bad message stalls nothing but its own key: a message an orderly listener can never handle does not freeze the
 * other keys of its queue; a body a newer producer wrote (an enum constant this version does not know) is retried,
 * not dead-lettered; and a handler that hangs does not freeze the rest of its listener or its shutdown.
 */
class PoisonMessageTests {

	private static final int KEYS = 40;

	private static final int PER_KEY = 6;

	@Test
	void aMessageThatAlwaysFailsHoldsBackOnlyItsOwnKey() {
		String topic = TestContexts.uniqueTopic("poison");
		String group = TestContexts.uniqueTopic("poison-group");
		TestContexts.onSharedBroker()
			.withUserConfiguration(OrderlyConfig.class)
			.withPropertyValues("test.topic=" + topic, "test.group=" + group, "reliable-messaging.rocketmq.topics=" + topic,
					"reliable-messaging.consumer.orderly.park-after-failures=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sequences sequences = context.getBean(Sequences.class);
				sequences.poison.add("key-7:2");
				publishSequences(context, topic);
				await("every key but key-7 complete").atMost(Duration.ofSeconds(90)).until(() -> {
					for (int k = 0; k < KEYS; k++) {
						if (k != 7 && sequences.of("key-" + k).size() < PER_KEY) {
							return false;
						}
					}
					return true;
				});
				for (int k = 0; k < KEYS; k++) {
					List<Integer> expected = IntStream.range(0, (k == 7) ? 2 : PER_KEY).boxed().toList();
					assertThat(sequences.of("key-" + k)).as("key-" + k).isEqualTo(expected);
				}
			});
	}

	@Test
	void anEnumConstantThisVersionDoesNotKnowIsRetriedNotDeadLettered() {
		String topic = TestContexts.uniqueTopic("newer-producer");
		String group = TestContexts.uniqueTopic("newer-producer-group");
		try (BrokerProbe dlq = BrokerProbe.consume(SharedBroker.nameServer(), MixAll.getDLQTopic(group))) {
			TestContexts.onSharedBroker()
				.withUserConfiguration(OldShipmentsConfig.class)
				.withPropertyValues("test.topic=" + topic, "test.group=" + group,
						"reliable-messaging.rocketmq.topics=" + topic)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
						.executeWithoutResult((status) -> context.getBean(OutboxPublisher.class)
							.publish(topic, Map.of("id", "s-1", "status", "SHIPPED")));
					ReliableListeners listeners = context.getBean(ReliableListeners.class);
					await("two failed deliveries").atMost(Duration.ofSeconds(30))
						.until(() -> listeners.container(group).count(ReliableMessageHandler.Outcome.FAILED) >= 2);
					assertThat(listeners.container(group).count(ReliableMessageHandler.Outcome.UNREADABLE)).isZero();
					assertThat(dlq.received()).isEmpty();
				});
			TestContexts.onSharedBroker()
				.withUserConfiguration(NewShipmentsConfig.class)
				.withPropertyValues("test.topic=" + topic, "test.group=" + group)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					NewShipments shipments = context.getBean(NewShipments.class);
					await("the redelivery, read by the version that knows SHIPPED").atMost(Duration.ofSeconds(60))
						.until(() -> shipments.received.contains("s-1:SHIPPED"));
				});
			assertThat(dlq.received()).isEmpty();
		}
	}

	@Test
	void aHandlerThatHangsWhileItsFailedBatchIsRetriedDoesNotFreezeItsListenerOrItsShutdown() throws Exception {
		String topic = TestContexts.uniqueTopic("hanging");
		String group = TestContexts.uniqueTopic("hanging-group");
		Hanging hanging = new Hanging();
		ConfigurableApplicationContext[] started = new ConfigurableApplicationContext[1];
		try {
			TestContexts.onSharedBroker()
				.withBean(Hanging.class, () -> hanging)
				.withPropertyValues("test.topic=" + topic, "test.group=" + group,
						"reliable-messaging.rocketmq.topics=" + topic, "reliable-messaging.consumer.threads=4",
						"reliable-messaging.consumer.batch-size=16", "reliable-messaging.consumer.shutdown-wait=2s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					started[0] = context;
					OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
					TransactionTemplate transactions = new TransactionTemplate(
							context.getBean(PlatformTransactionManager.class));
					// the poison and the hanging message leave in one send, to one queue, and arrive in one batch
					transactions.executeWithoutResult((status) -> {
						publisher.publish(OutboundMessage.builder(topic).orderingKey("same").payload("poison").build());
						publisher.publish(OutboundMessage.builder(topic).orderingKey("same").payload("hang").build());
						for (int i = 0; i < 14; i++) {
							publisher.publish(OutboundMessage.builder(topic).orderingKey("same").payload("s" + i).build());
						}
					});
					await().atMost(Duration.ofSeconds(30)).until(() -> hanging.hanging.getCount() == 0);
					List<String> others = new ArrayList<>();
					transactions.executeWithoutResult((status) -> {
						for (int i = 0; i < 80; i++) {
							others.add(publisher.publish(OutboundMessage.builder(topic).payload("o" + i).build()));
						}
					});
					await("the other messages of the listener while one handler hangs").atMost(Duration.ofSeconds(30))
						.until(() -> IntStream.range(0, 80).allMatch((i) -> hanging.handled.contains("o" + i)));
					Instant closing = Instant.now();
					context.close();
					Duration took = Duration.between(closing, Instant.now());
					System.out.println("Context with a hung handler closed in " + took.toMillis() + " ms");
					assertThat(took).isLessThan(Duration.ofSeconds(15));
					await("no consume thread of the listener left").atMost(Duration.ofSeconds(10))
						.until(() -> consumeThreads(group).isEmpty());
				});
		}
		finally {
			hanging.release.countDown();
		}
	}

	private static Set<String> consumeThreads(String group) {
		Set<String> names = ConcurrentHashMap.newKeySet();
		Thread.getAllStackTraces().keySet().forEach((thread) -> {
			if (thread.isAlive() && thread.getName().contains(group)) {
				names.add(thread.getName());
			}
		});
		return names;
	}

	private static void publishSequences(ApplicationContext context, String topic) {
		OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
		TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		for (int seq = 0; seq < PER_KEY; seq++) {
			int n = seq;
			transactions.executeWithoutResult((status) -> {
				for (int k = 0; k < KEYS; k++) {
					publisher.publish(
							OutboundMessage.builder(topic).orderingKey("key-" + k).payload("key-" + k + ":" + n).build());
				}
			});
		}
	}

	/** Applies each key's sequence numbers in the order they arrive; fails for ever on the poisoned ones. */
	public static class Sequences {

		final Set<String> poison = ConcurrentHashMap.newKeySet();

		private final Map<String, List<Integer>> applied = new ConcurrentHashMap<>();

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}", orderly = true)
		public void on(String body) {
			if (this.poison.contains(body)) {
				throw new IllegalStateException("cannot apply " + body);
			}
			String[] parts = body.split(":");
			this.applied.computeIfAbsent(parts[0], (key) -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(parts[1]));
		}

		List<Integer> of(String key) {
			return this.applied.getOrDefault(key, List.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderlyConfig {

		@Bean
		Sequences sequences() {
			return new Sequences();
		}

	}

	public enum OldStatus {

		PLACED

	}

	public record OldShipment(String id, OldStatus status) {
	}

	public enum NewStatus {

		PLACED, SHIPPED

	}

	public record NewShipment(String id, NewStatus status) {
	}

	public static class OldShipments {

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}")
		public void on(OldShipment shipment) {
		}

	}

	public static class NewShipments {

		final List<String> received = new CopyOnWriteArrayList<>();

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}")
		public void on(NewShipment shipment) {
			this.received.add(shipment.id() + ":" + shipment.status());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OldShipmentsConfig {

		@Bean
		OldShipments oldShipments() {
			return new OldShipments();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NewShipmentsConfig {

		@Bean
		NewShipments newShipments() {
			return new NewShipments();
		}

	}

	/** Fails on "poison"; once that has failed, "hang" blocks when it is handled again, until released. */
	public static class Hanging {

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		final CountDownLatch hanging = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		private volatile boolean poisonFailed;

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}")
		public void on(String body) throws InterruptedException {
			if (body.equals("poison")) {
				this.poisonFailed = true;
				throw new IllegalStateException("poison");
			}
			if (body.equals("hang") && this.poisonFailed) {
				this.hanging.countDown();
				this.release.await(10, TimeUnit.MINUTES);
			}
			this.handled.add(body);
		}

	}

}
