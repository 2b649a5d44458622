package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.outbox.Relay;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-key order is commit order: two transactions that publish with one ordering key reach an orderly consumer in
 * the order they committed, also when the first stays open for seconds after publishing.
 */
class CommitOrderTests {

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void twoTransactionsOnOneKeyArriveInTheOrderTheyCommitted(TestDatabase database) {
		String topic = TestContexts.uniqueTopic("commit-order");
		TestContexts.onSharedBroker()
			.withPropertyValues(database.springProperties(database.freshSchemaUrl()))
			.withPropertyValues("reliable-messaging.relay.send-after-commit=false",
					"reliable-messaging.relay.poll-interval=1h", "reliable-messaging.rocketmq.topics=" + topic)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				List<String> commitOrder = new CopyOnWriteArrayList<>();
				CountDownLatch firstPublished = new CountDownLatch(1);
				CountDownLatch secondCommitted = new CountDownLatch(1);
				CompletableFuture<Void> first = CompletableFuture.runAsync(() -> transactions.executeWithoutResult((s) -> {
					publish(publisher, topic, "first", commitOrder);
					firstPublished.countDown();
					// stays open after its insert: until the second has committed, or three seconds at most
					waitFor(secondCommitted, 3);
				}));
				waitFor(firstPublished, 30);
				CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
					transactions.executeWithoutResult((s) -> publish(publisher, topic, "second", commitOrder));
					secondCommitted.countDown();
				});
				CompletableFuture.allOf(first, second).get(60, TimeUnit.SECONDS);
				assertThat(commitOrder).hasSize(2);

				try (BrokerProbe probe = BrokerProbe.consumeOrderly(SharedBroker.nameServer(), topic)) {
					context.getBean(Relay.class).poll();
					await().atMost(Duration.ofSeconds(30)).until(() -> probe.received().size() == 2);
					assertThat(probe.received()).extracting(BrokerProbe::body)
						.as("arrival order against commit order " + commitOrder)
						.containsExactlyElementsOf(commitOrder);
				}
			});
	}

	private static void publish(OutboxPublisher publisher, String topic, String payload, List<String> commitOrder) {
		publisher.publish(OutboundMessage.builder(topic).orderingKey("order-42").payload(payload).build());
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			// recorded as the commit begins: a transaction of the same key cannot get this far before this one
			// has committed (with the fix), or is made to wait for it by the test (without)
			@Override
			public void beforeCommit(boolean readOnly) {
				commitOrder.add(payload);
			}
		});
	}

	private static void waitFor(CountDownLatch latch, int seconds) {
		try {
			latch.await(seconds, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
