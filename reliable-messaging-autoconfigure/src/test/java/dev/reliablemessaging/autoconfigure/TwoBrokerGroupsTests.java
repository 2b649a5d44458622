package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.common.message.MessageExt;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster of two broker groups, each a master, with every topic's queues on both: while one group is away,
 * unordered rows keep flowing through the other, and the rows of an ordering key whose queue is on the missing group
 * wait for it, then arrive on the same queue in order.
 */
class TwoBrokerGroupsTests {

	private static final String GROUP_B = "embedded-broker-b";

	private static EmbeddedRocketMq cluster;

	@BeforeAll
	static void startCluster() {
		cluster = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(SharedBroker.tempDir("two-groups")).withBrokerGroups(2)).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	private ApplicationContextRunner runner() {
		return TestContexts.runner()
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + cluster.nameServerAddress(),
					"reliable-messaging.rocketmq.route-refresh-interval=1s", "reliable-messaging.relay.poll-interval=100ms",
					"reliable-messaging.relay.backoff.initial=100ms", "reliable-messaging.relay.backoff.max=1s",
					"reliable-messaging.relay.max-attempts=1000");
	}

	@Test
	void unorderedRowsKeepFlowingThroughTheLiveGroupWhileTheOtherIsDown() {
		String topic = TestContexts.uniqueTopic("two-groups-unordered");
		cluster.createTopic(topic, 4);
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			OutboxTableProbe outbox = new OutboxTableProbe(context);
			try (BrokerProbe probe = BrokerProbe.consume(cluster.nameServerAddress(), topic)) {
				List<String> before = outbox.publish(topic, 40, 10);
				await().atMost(Duration.ofSeconds(60)).until(() -> outbox.total() == 0);
				// what went to the group about to stop is consumed first: it would otherwise wait for its return
				await().atMost(Duration.ofSeconds(60))
					.until(() -> probe.countsByMessageId().keySet().containsAll(before));
				cluster.stopBroker(GROUP_B);
				try {
					List<String> during = outbox.publish(topic, 200, 10);
					await("rows sent while " + GROUP_B + " is down").atMost(Duration.ofSeconds(30))
						.until(() -> outbox.total() == 0);
					await().atMost(Duration.ofSeconds(60))
						.until(() -> probe.countsByMessageId().keySet().containsAll(during));
					assertThat(probe.received()).filteredOn((m) -> during.contains(m.getUserProperty(MessageHeaders.MESSAGE_ID)))
						.extracting(MessageExt::getBrokerName)
						.containsOnly("embedded-broker-a");
				}
				finally {
					cluster.startBroker(GROUP_B);
				}
			}
		});
	}

	@Test
	void anOrderedKeyKeepsItsQueueAndItsOrderAcrossTheLossAndReturnOfItsBrokerGroup() {
		String topic = TestContexts.uniqueTopic("two-groups-ordered");
		cluster.createTopic(topic, 4);
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 24; i++) {
			keys.add("key-" + i);
		}
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
			try (BrokerProbe probe = BrokerProbe.consumeOrderly(cluster.nameServerAddress(), topic)) {
				publish(context, topic, keys, 0, 5);
				await().atMost(Duration.ofSeconds(60)).until(() -> probe.countsByMessageId().size() == keys.size() * 5);
				Map<String, String> queueOfKey = queuesByKey(probe.received());
				Set<String> keysOnB = queueOfKey.entrySet()
					.stream()
					.filter((entry) -> entry.getValue().startsWith(GROUP_B + "/"))
					.map(Map.Entry::getKey)
					.collect(Collectors.toSet());
				assertThat(keysOnB).as("keys on " + GROUP_B + " of " + queueOfKey).isNotEmpty().hasSizeLessThan(keys.size());

				cluster.stopBroker(GROUP_B);
				try {
					publish(context, topic, keys, 5, 10);
					String pendingSql = "SELECT COUNT(*) FROM rm_outbox WHERE status IN ('PENDING', 'RETRYING')";
					// the keys on the live group go on; the others wait, however long the outage lasts
					await().atMost(Duration.ofSeconds(60))
						.until(() -> jdbc.queryForObject(pendingSql, Long.class) == keysOnB.size() * 5L);
					await("rows of keys on " + GROUP_B + " held back").during(Duration.ofSeconds(10))
						.atMost(Duration.ofSeconds(60))
						.until(() -> jdbc.queryForObject(pendingSql, Long.class) == keysOnB.size() * 5L);
				}
				finally {
					cluster.startBroker(GROUP_B);
				}
				// a restarted group may deliver again what its consumer had not committed: duplicates, not disorder
				try {
					await().atMost(Duration.ofSeconds(90))
						.until(() -> probe.countsByMessageId().size() == keys.size() * 10);
				}
				catch (ConditionTimeoutException ex) {
					throw new AssertionError("Not all " + keys.size() * 10 + " messages arrived: " + probe.describe()
							+ "; distinct " + probe.countsByMessageId().size() + "; outbox "
							+ jdbc.queryForList("SELECT status, COUNT(*) FROM rm_outbox GROUP BY status"), ex);
				}

				Map<String, List<MessageExt>> byKey = new TreeMap<>(probe.received()
					.stream()
					.collect(Collectors.groupingBy((m) -> body(m).split(":")[0])));
				byKey.forEach((key, messages) -> {
					assertThat(messages).as(key + " stays on its queue").extracting(TwoBrokerGroupsTests::queue)
						.containsOnly(queueOfKey.get(key));
					assertThat(messages.stream().map((m) -> Integer.parseInt(body(m).split(":")[1])).distinct())
						.as(key + " in order of first arrival")
						.containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
				});
			}
		});
	}

	@Test
	void aGroupAwayAtTheFirstSightOfATopicMovesNoKeyWhenItReturns() {
		String topic = TestContexts.uniqueTopic("two-groups-return");
		cluster.createTopic(topic, 4);
		List<String> keys = keys(24);
		cluster.stopBroker(GROUP_B);
		try {
			runner().run((context) -> {
				assertThat(context).hasNotFailed();
				try (BrokerProbe probe = BrokerProbe.consumeOrderly(cluster.nameServerAddress(), topic)) {
					// the relay first sees the topic while only group a routes it
					publish(context, topic, keys, 0, 3);
					await().atMost(Duration.ofSeconds(60)).until(() -> probe.countsByMessageId().size() == keys.size() * 3);
					cluster.startBroker(GROUP_B);
					await().atMost(Duration.ofSeconds(30)).until(() -> routedGroups(topic).contains(GROUP_B));
					// one round at a time: the relay's clients see the returned group within a second or two
					for (int round = 3; round < 6; round++) {
						publish(context, topic, keys, round, round + 1);
						int expected = keys.size() * (round + 1);
						await().atMost(Duration.ofSeconds(60)).until(() -> probe.countsByMessageId().size() == expected);
					}
					assertEachKeyOnOneQueueInOrder(probe.received(), 6);
				}
			});
		}
		finally {
			cluster.startBroker(GROUP_B);
		}
	}

	@Test
	void removingAGroupFromTheLayoutMovesOnlyTheKeysOfThatGroup() {
		String topic = TestContexts.uniqueTopic("two-groups-shrink");
		cluster.createTopic(topic, 4);
		List<String> keys = keys(40);
		String database = TestContexts.h2Url();
		Map<String, String> before;
		try (BrokerProbe probe = BrokerProbe.consumeOrderly(cluster.nameServerAddress(), topic)) {
			runner().withPropertyValues("spring.datasource.url=" + database).run((context) -> {
				assertThat(context).hasNotFailed();
				publish(context, topic, keys, 0, 1);
				await().atMost(Duration.ofSeconds(60)).until(() -> probe.countsByMessageId().size() == keys.size());
			});
			before = queuesByKey(probe.received());
		}
		// the documented procedure once group b's messages are consumed: take its queues out of the layout
		runner().withPropertyValues("spring.datasource.url=" + database, "reliable-messaging.relay.enabled=false")
			.run((context) -> new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
				.update("DELETE FROM rm_topic_queues WHERE topic = ? AND broker_name = ?", topic, GROUP_B));
		try (BrokerProbe probe = BrokerProbe.consumeOrderly(cluster.nameServerAddress(), topic)) {
			runner().withPropertyValues("spring.datasource.url=" + database).run((context) -> {
				assertThat(context).hasNotFailed();
				publish(context, topic, keys, 1, 2);
				await().atMost(Duration.ofSeconds(60)).until(() -> probe.countsByMessageId().size() >= keys.size() * 2);
			});
			Map<String, String> after = new TreeMap<>();
			probe.received()
				.stream()
				.filter((m) -> body(m).endsWith(":1"))
				.forEach((m) -> after.put(body(m).split(":")[0], queue(m)));
			before.forEach((key, queue) -> {
				if (queue.startsWith("embedded-broker-a/")) {
					assertThat(after.get(key)).as(key + ", on group a before, keeps its queue").isEqualTo(queue);
				}
				else {
					assertThat(after.get(key)).as(key + " of the removed group").startsWith("embedded-broker-a/");
				}
			});
		}
	}

	/** The broker groups the name server routes the topic to now. */
	private static Set<String> routedGroups(String topic) throws Exception {
		org.apache.rocketmq.client.producer.DefaultMQProducer client = new org.apache.rocketmq.client.producer.DefaultMQProducer(
				"route-check");
		client.setNamesrvAddr(cluster.nameServerAddress());
		client.setInstanceName("route-check-" + java.util.UUID.randomUUID());
		client.start();
		try {
			return client.fetchPublishMessageQueues(topic)
				.stream()
				.map(org.apache.rocketmq.common.message.MessageQueue::getBrokerName)
				.collect(Collectors.toSet());
		}
		finally {
			client.shutdown();
		}
	}

	private static List<String> keys(int count) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			keys.add("key-" + i);
		}
		return keys;
	}

	private static void assertEachKeyOnOneQueueInOrder(List<MessageExt> received, int perKey) {
		Map<String, List<MessageExt>> byKey = new TreeMap<>(
				received.stream().collect(Collectors.groupingBy((m) -> body(m).split(":")[0])));
		byKey.forEach((key, messages) -> {
			assertThat(messages.stream().map(TwoBrokerGroupsTests::queue).distinct()).as(key + " stays on one queue")
				.hasSize(1);
			assertThat(messages.stream().map((m) -> Integer.parseInt(body(m).split(":")[1])).distinct())
				.as(key + " in order of first arrival")
				.containsExactlyElementsOf(java.util.stream.IntStream.range(0, perKey).boxed().toList());
		});
	}

	private static void publish(org.springframework.context.ApplicationContext context, String topic, List<String> keys,
			int from, int to) {
		OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
		TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		for (int seq = from; seq < to; seq++) {
			int n = seq;
			transactions.executeWithoutResult((status) -> keys.forEach((key) -> publisher
				.publish(OutboundMessage.builder(topic).key(key).orderingKey(key).payload(key + ":" + n).build())));
		}
	}

	private static Map<String, String> queuesByKey(List<MessageExt> messages) {
		Map<String, String> queues = new TreeMap<>();
		messages.forEach((m) -> queues.put(body(m).split(":")[0], queue(m)));
		return queues;
	}

	private static String queue(MessageExt message) {
		return message.getBrokerName() + "/" + message.getQueueId();
	}

	private static String body(MessageExt message) {
		return BrokerProbe.body(message);
	}

}
