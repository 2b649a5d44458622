package dev.reliablemessaging.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static dev.reliablemessaging.test.KitApplication.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With the relay switched off nothing drains: {@link OutboxAssertions#awaitDrained} fails within its timeout and
 * says which rows are left.
 */
@SpringBootTest(classes = KitApplication.class, properties = "reliable-messaging.relay.enabled=false")
@EmbeddedRocketMqBroker
class StalledRelayTests {

	@Autowired
	KitApplication.Orders orders;

	@Autowired
	PublishedMessages published;

	@Autowired
	OutboxAssertions outbox;

	@Test
	void awaitDrainedFailsWithinItsTimeoutListingThePendingRows() {
		this.orders.place("stalled-1");
		String messageId = this.published.single().messageId();

		long start = System.nanoTime();
		assertThatThrownBy(() -> this.outbox.awaitDrained(Duration.ofSeconds(2))).isInstanceOf(AssertionError.class)
			.hasMessageContaining("did not drain within PT2S")
			.hasMessageContaining(messageId)
			.hasMessageContaining(TOPIC)
			.hasMessageContaining("stalled-1");
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).as("time awaitDrained took to fail").isLessThan(Duration.ofSeconds(15));
		assertThat(this.outbox.pending()).extracting(OutboxRow::messageId).containsExactly(messageId);
	}

}
