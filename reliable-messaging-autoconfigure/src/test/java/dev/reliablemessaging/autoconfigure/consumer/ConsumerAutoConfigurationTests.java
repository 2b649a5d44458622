package dev.reliablemessaging.autoconfigure.consumer;

import dev.reliablemessaging.autoconfigure.TestContexts;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerAutoConfigurationTests {

	@Test
	void defaults() {
		TestContexts.onSharedBroker().run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(InboxStore.class)
				.hasSingleBean(ReliableListeners.class)
				.hasSingleBean(InboxCleanup.class)
				.hasBean("idempotentConsumerPostProcessor");
			ConsumerSettings settings = context.getBean(ConsumerSettings.class);
			assertThat(settings.threads()).isEqualTo(8);
			assertThat(settings.consumeFromWhere()).isEqualTo(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
			assertThat(settings.dedupWindow()).hasDays(7);
		});
	}

	@Test
	void propertiesOverrideTheDefaults() {
		TestContexts.onSharedBroker()
			.withPropertyValues("reliable-messaging.consumer.threads=2", "reliable-messaging.consumer.start-from=latest",
					"reliable-messaging.consumer.dedup-window=3d")
			.run((context) -> {
				ConsumerSettings settings = context.getBean(ConsumerSettings.class);
				assertThat(settings.threads()).isEqualTo(2);
				assertThat(settings.consumeFromWhere()).isEqualTo(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
				assertThat(settings.dedupWindow()).hasDays(3);
			});
	}

	@Test
	void userCleanupBacksTheDefaultOff() {
		TestContexts.onSharedBroker().withUserConfiguration(UserCleanup.class).run((context) -> {
			assertThat(context).hasSingleBean(InboxCleanup.class);
			assertThat(context.getBean(InboxCleanup.class)).isSameAs(context.getBean("myCleanup"));
		});
	}

	@Test
	void withoutThePushConsumerClassThereAreNoListeners() {
		TestContexts.onSharedBroker()
			.withClassLoader(new FilteredClassLoader(DefaultMQPushConsumer.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReliableListeners.class));
	}

	@Test
	void invalidConsumerSettingsFailStartUpNamingTheProperty() {
		TestContexts.onSharedBroker().withPropertyValues("reliable-messaging.consumer.threads=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("reliable-messaging.consumer.threads");
		});
		TestContexts.onSharedBroker().withPropertyValues("reliable-messaging.consumer.dedup-window=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("reliable-messaging.consumer.dedup-window");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCleanup {

		@Bean
		InboxCleanup myCleanup(InboxStore inbox) {
			return new InboxCleanup(inbox, java.time.Duration.ofDays(1));
		}

	}

}
