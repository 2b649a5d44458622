package dev.reliablemessaging.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import dev.reliablemessaging.IdempotentConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @IdempotentConsumer} runs a method once per key, and again after a failure rolled back.
 */
class IdempotentConsumerTests {

	@Test
	void runsOncePerKeyAndAgainAfterAFailure() {
		TestContexts.onSharedBroker().withUserConfiguration(Config.class).run((context) -> {
			PaymentHandler handler = context.getBean(PaymentHandler.class);
			assertThat(handler.handle("m-1", false)).isEqualTo("handled m-1");
			assertThat(handler.handle("m-1", false)).isNull();
			assertThat(handler.calls()).isEqualTo(1);

			assertThatThrownBy(() -> handler.handle("m-2", true)).isInstanceOf(IllegalStateException.class);
			assertThat(handler.handle("m-2", false)).isEqualTo("handled m-2");
			assertThat(handler.calls()).isEqualTo(3);
			assertThat(context.getBean(InboxStore.class).count("payments")).isEqualTo(2);
		});
	}

	static class PaymentHandler {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@IdempotentConsumer(key = "#messageId", consumerGroup = "payments")
		public String handle(String messageId, boolean fail) {
			this.calls.incrementAndGet();
			if (fail) {
				throw new IllegalStateException("payment failed");
			}
			return "handled " + messageId;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		PaymentHandler paymentHandler() {
			return new PaymentHandler();
		}

	}

}
