package dev.reliablemessaging.autoconfigure.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.RandomBodies;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.consumer.ReliableMessageHandler.Outcome;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Random bodies against {@code @ReliableListener}: nothing escapes the handling, every message ends handled or in the
 * dead-letter queue, and the well-formed messages among them are each handled once.
 */
class ListenerFuzzTests {

	private static final long SEED = Long.getLong("rm.fuzz.seed", 20261121L);

	@Test
	void thousandsOfRandomBodiesNeverEscapeTheHandler() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("fuzz-unit"),
					"test.group=" + TestContexts.uniqueTopic("fuzz-unit-group"))
			.run((context) -> {
				ReliableMessageHandler handler = TestWarehouse.Concurrent.directHandler(context);
				RandomBodies bodies = new RandomBodies(SEED);
				Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
				for (int i = 0; i < 3_000; i++) {
					MessageExt message = new MessageExt();
					message.setTopic(context.getEnvironment().getProperty("test.topic"));
					message.setBody(bodies.next());
					MessageClientIDSetter.setUniqID(message);
					// handle() must answer with an outcome whatever the body: an exception here fails the test
					outcomes.merge(handler.handle(message), 1, Integer::sum);
				}
				assertThat(outcomes.keySet()).contains(Outcome.UNREADABLE, Outcome.PROCESSED, Outcome.FAILED);
				assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3_000);
			});
	}

	@Test
	void randomBodiesEndHandledOrDeadLetteredAndGoodOnesInterleavedAreHandledOnce() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("fuzz"),
					"test.group=" + TestContexts.uniqueTopic("fuzz-group"))
			.run((context) -> {
				String topic = context.getEnvironment().getProperty("test.topic");
				String group = context.getEnvironment().getProperty("test.group");
				DefaultMQProducer producer = context.getBean(RocketMqAutoConfiguration.PRODUCER_BEAN,
						DefaultMQProducer.class);
				RandomBodies bodies = new RandomBodies(SEED + 1);
				List<String> randomIds = new ArrayList<>();
				List<String> goodOrders = new ArrayList<>();
				for (int i = 0; i < 300; i++) {
					if (i % 6 == 0) {
						String id = "good-" + i;
						goodOrders.add(id);
						producer.send(new Message(topic, ("{\"id\":\"" + id + "\",\"sku\":\"ok\"}")
							.getBytes(StandardCharsets.UTF_8)));
					}
					else {
						randomIds.add(producer.send(new Message(topic, bodies.next())).getMsgId());
					}
				}
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				try (BrokerProbe dlq = BrokerProbe.consume(SharedBroker.nameServer(), MixAll.getDLQTopic(group))) {
					await().atMost(Duration.ofSeconds(120)).until(() -> {
						Set<String> settled = new HashSet<>(jdbc.queryForList(
								"SELECT message_id FROM rm_inbox WHERE consumer_group = ?", String.class, group));
						dlq.received().forEach((message) -> settled.add(MessageClientIDSetter.getUniqID(message)));
						return settled.containsAll(randomIds) && countGood(jdbc, goodOrders) == goodOrders.size();
					});
					Set<String> processed = new HashSet<>(jdbc.queryForList(
							"SELECT message_id FROM rm_inbox WHERE consumer_group = ?", String.class, group));
					dlq.received().forEach((message) -> assertThat(processed)
						.doesNotContain(MessageClientIDSetter.getUniqID(message)));
				}
				for (String id : goodOrders) {
					assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM reservations WHERE order_id = ?",
							Long.class, id)).as(id).isEqualTo(1);
				}
				ListenerContainer container = context.getBean(ReliableListeners.class).container(group);
				assertThat(container.count(Outcome.UNREADABLE)).isPositive();
				// still consuming after all that
				producer.send(new Message(topic, "{\"id\":\"last\",\"sku\":\"ok\"}".getBytes(StandardCharsets.UTF_8)));
				await().atMost(Duration.ofSeconds(60)).until(() -> countGood(jdbc, List.of("last")) == 1);
			});
	}

	private static long countGood(JdbcTemplate jdbc, List<String> ids) {
		return ids.stream()
			.filter((id) -> jdbc.queryForObject("SELECT COUNT(*) FROM reservations WHERE order_id = ?", Long.class,
					id) > 0)
			.count();
	}

}
