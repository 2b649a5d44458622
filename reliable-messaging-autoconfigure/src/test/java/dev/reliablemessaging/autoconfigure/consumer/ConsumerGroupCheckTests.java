package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.UUID;

import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerInspector;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.junit.jupiter.api.Test;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the listeners need from the brokers is there before they start: their groups' retry and dead-letter topics,
 * retry queues (a broker drops a send-back of a group without any), and a dedup window as long as a duplicate can
 * arrive late.
 */
class ConsumerGroupCheckTests {

	@Test
	void aGroupWithoutRetryQueuesStopsStartUp() throws Exception {
		String group = TestContexts.uniqueTopic("no-retry-queues");
		DefaultMQProducer admin = new DefaultMQProducer("group-admin-" + UUID.randomUUID().toString().substring(0, 8));
		admin.setNamesrvAddr(SharedBroker.nameServer());
		admin.setInstanceName("group-admin-" + UUID.randomUUID());
		admin.start();
		try {
			SubscriptionGroupConfig config = new SubscriptionGroupConfig();
			config.setGroupName(group);
			config.setRetryQueueNums(0);
			BrokerInspector inspector = new BrokerInspector(admin);
			for (String master : inspector.masters().values()) {
				admin.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl()
					.createSubscriptionGroup(master, config, 3_000);
			}
		}
		finally {
			admin.shutdown();
		}
		listener(group).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining(group)
				.hasMessageContaining("retryQueueNums=0");
		});
	}

	@Test
	void aDedupWindowShorterThanTheBrokersRetentionStopsStartUp() {
		listener(TestContexts.uniqueTopic("short-window"))
			.withPropertyValues("reliable-messaging.consumer.dedup-window=24h")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("reliable-messaging.consumer.dedup-window")
					.hasMessageContaining("fileReservedTime");
			});
	}

	@Test
	void theRetryTopicOfEveryGroupIsRoutableOnceItsListenerHasStarted() {
		String group = TestContexts.uniqueTopic("routable");
		listener(group).run((context) -> {
			assertThat(context).hasNotFailed();
			DefaultMQProducer producer = context.getBean(RocketMqAutoConfiguration.PRODUCER_BEAN,
					DefaultMQProducer.class);
			// the broker created it when the group's consumer connected; the DLQ topic it creates when it needs it
			assertThat(producer.fetchPublishMessageQueues(MixAll.getRetryTopic(group))).isNotEmpty();
		});
	}

	@Test
	void theRedeliveryScheduleAddsUpTheBrokersDelayLevelsFromTheThird() {
		assertThat(ConsumerGroupCheck.redeliverySchedule(null, 16)).isEqualTo(Duration.ofMinutes(285).plusSeconds(40));
		assertThat(ConsumerGroupCheck.redeliverySchedule("1s 2s 3s", 4)).isEqualTo(Duration.ofSeconds(12));
	}

	private static org.springframework.boot.test.context.runner.ApplicationContextRunner listener(String group) {
		return TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("checked"), "test.group=" + group);
	}

}
