package dev.reliablemessaging.autoconfigure.outbox;

import dev.reliablemessaging.autoconfigure.consumer.ConsumerProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox reads the consumers' dedup window without their classes, so it keeps a copy of its default.
 */
class DedupWindowDefaultTests {

	@Test
	void theReplayHorizonDefaultsToTheConsumersDedupWindow() {
		assertThat(OutboxAutoConfiguration.DEDUP_WINDOW_DEFAULT).isEqualTo(new ConsumerProperties().getDedupWindow());
	}

}
