package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages with the same ordering key arrive in publishing order at an orderly consumer.
 */
class OrderingTests {

	private static final int KEYS = 20;

	private static final int PER_KEY = 200;

	@Test
	void twentyKeysOfTwoHundredMessagesArriveInOrderPerKey() {
		String topic = TestContexts.uniqueTopic("ordered");
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class)
			.withPropertyValues("test.topic=" + topic)
			.run((context) -> {
				TestOrders orders = context.getBean(TestOrders.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				try (BrokerProbe probe = BrokerProbe.consumeOrderly(SharedBroker.nameServer(), topic)) {
					for (int seq = 0; seq < PER_KEY; seq++) {
						int current = seq;
						transactions.executeWithoutResult((status) -> {
							for (int key = 0; key < KEYS; key++) {
								orders.placeInSequence("customer" + key, current);
							}
						});
					}
					await().atMost(Duration.ofSeconds(90)).until(() -> probe.received().size() >= KEYS * PER_KEY);
					Map<String, List<Integer>> sequenceByKey = new LinkedHashMap<>();
					for (MessageExt message : probe.received()) {
						String id = message.getUserProperty(MessageHeaders.KEY);
						String key = id.substring(0, id.indexOf('-'));
						int seq = Integer.parseInt(id.substring(id.indexOf('-') + 1));
						sequenceByKey.computeIfAbsent(key, (k) -> new ArrayList<>()).add(seq);
					}
					List<Integer> expected = IntStream.range(0, PER_KEY).boxed().toList();
					assertThat(sequenceByKey).hasSize(KEYS);
					sequenceByKey.forEach((key, sequence) -> assertThat(sequence).as(key).isEqualTo(expected));
				}
			});
	}

}
