package dev.reliablemessaging.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker in a plain JUnit test, without Spring: sent messages can be read back, and survive a restart of the
 * broker.
 */
@EmbeddedRocketMqBroker(topics = PlainBrokerTests.TOPIC, shared = false)
class PlainBrokerTests {

	static final String TOPIC = "kit-plain";

	private static final Duration READ = Duration.ofSeconds(30);

	@Test
	void whatTheBrokerAcknowledgedIsStillThereAfterARestart(RocketMqBroker broker) {
		for (int i = 0; i < 3; i++) {
			RocketMqTestUtils.send(broker.nameServer(), TOPIC, "body-" + i);
		}
		assertThat(bodies(RocketMqTestUtils.poll(broker.nameServer(), TOPIC, 3, READ)))
			.containsExactlyInAnyOrder("body-0", "body-1", "body-2");

		broker.stop();
		assertThat(broker.isRunning()).isFalse();
		broker.start();

		assertThat(broker.isRunning()).isTrue();
		assertThat(bodies(RocketMqTestUtils.poll(broker.nameServer(), TOPIC, 3, READ)))
			.containsExactlyInAnyOrder("body-0", "body-1", "body-2");
	}

	private static List<String> bodies(List<MessageExt> messages) {
		return messages.stream().map((message) -> new String(message.getBody(), StandardCharsets.UTF_8)).toList();
	}

}
