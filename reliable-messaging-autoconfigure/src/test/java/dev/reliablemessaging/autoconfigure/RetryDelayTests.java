package dev.reliablemessaging.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redeliveries take RocketMQ's own delay and no more: a message that fails once on a brand-new consumer group is
 * handled again after the first retry delay (one second on the test broker), not after the next route refresh,
 * which is left at its default of 30 seconds here.
 */
class RetryDelayTests {

	@Test
	void aMessageThatFailsOnceOnANewGroupIsHandledAgainWithinTheFirstRetryDelay() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("first-retry"),
					"test.group=" + TestContexts.uniqueTopic("first-retry-group"),
					"reliable-messaging.rocketmq.route-refresh-interval=30s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestWarehouse warehouse = context.getBean(TestWarehouse.class);
				warehouse.failuresLeft.set(1);
				context.getBean(TestOrders.class).place("sku-retry");
				await().atMost(Duration.ofSeconds(30)).until(() -> warehouse.invocations.get() == 1);
				long failedAt = System.nanoTime();
				await().atMost(Duration.ofSeconds(45)).until(() -> warehouse.contexts.size() == 1);
				Duration untilRedelivered = Duration.ofNanos(System.nanoTime() - failedAt);
				assertThat(untilRedelivered).as("from the failure to the redelivery")
					.isLessThan(Duration.ofSeconds(1 + 7));
				assertThat(warehouse.contexts.get(0).reconsumeTimes()).isEqualTo(1);
			});
	}

}
