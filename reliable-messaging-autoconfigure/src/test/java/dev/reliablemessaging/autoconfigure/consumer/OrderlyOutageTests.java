package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import org.apache.rocketmq.common.MixAll;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An orderly listener never skips a message because of a transient failure: PostgreSQL is taken away for 40 s in
 * the middle of the keys' sequences, longer than RocketMQ's 16 orderly retries last, and every message is still
 * applied once, in order, with nothing in the dead-letter queue.
 */
class OrderlyOutageTests {

	private static final int CUSTOMERS = 3;

	private static final int PER_CUSTOMER = 30;

	@Test
	void aFortySecondDatabaseOutageDelaysAnOrderlyListenerButSkipsNothing() {
		TestDatabase database = TestDatabase.POSTGRESQL;
		String url = database.freshDatabaseUrl();
		String topic = TestContexts.uniqueTopic("orderly-outage");
		String group = TestContexts.uniqueTopic("orderly-outage-group");
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.OrderlyConfig.class)
			.withPropertyValues(database.springProperties(url))
			.withPropertyValues("test.topic=" + topic, "test.group=" + group,
					"spring.datasource.hikari.connection-timeout=1000", "test.warehouse.pause-millis=100")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestWarehouse.Orderly warehouse = context.getBean(TestWarehouse.Orderly.class);
				TestOrders orders = context.getBean(TestOrders.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				for (int seq = 0; seq < PER_CUSTOMER; seq++) {
					int current = seq;
					transactions.executeWithoutResult((status) -> {
						for (int customer = 0; customer < CUSTOMERS; customer++) {
							orders.placeInSequence("customer" + customer, current);
						}
					});
				}
				await().atMost(Duration.ofSeconds(60)).until(() -> warehouse.invocations.get() >= 10);
				database.setReachable(url, false);
				try {
					Thread.sleep(Duration.ofSeconds(40).toMillis());
				}
				finally {
					database.setReachable(url, true);
				}
				await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
					.until(() -> handledCount(warehouse) == CUSTOMERS * PER_CUSTOMER);
				List<Integer> expected = IntStream.range(0, PER_CUSTOMER).boxed().toList();
				Map<String, List<Integer>> sequences = warehouse.sequenceByCustomer();
				assertThat(sequences).hasSize(CUSTOMERS)
					.allSatisfy((customer, sequence) -> assertThat(sequence).as(customer).isEqualTo(expected));
				ListenerContainer container = context.getBean(ReliableListeners.class).container(group);
				assertThat(container.count(Outcome.FAILED)).as("failed attempts during the outage").isPositive();
				assertThat(container.count(Outcome.UNREADABLE)).isZero();
				try (BrokerProbe dlq = BrokerProbe.consume(SharedBroker.nameServer(), MixAll.getDLQTopic(group))) {
					await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
						.until(() -> dlq.received().isEmpty());
				}
			});
	}

	private static int handledCount(TestWarehouse.Orderly warehouse) {
		try {
			return warehouse.sequenceByCustomer().values().stream().mapToInt(List::size).sum();
		}
		catch (RuntimeException ex) {
			return -1; // the database is still coming back
		}
	}

}
