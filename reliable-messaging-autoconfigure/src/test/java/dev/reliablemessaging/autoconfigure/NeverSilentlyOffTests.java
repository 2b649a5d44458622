package dev.reliablemessaging.autoconfigure;

import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.autoconfigure.consumer.ConsumerAutoConfiguration;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerAutoConfiguration;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingJdbcAutoConfiguration;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAutoConfiguration;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter is never silently off, nor silently somewhere else: an annotated bean behind an interface-typed
 * {@code @Bean} method still stops a start-up that cannot serve it, a deployment whose name server is missing does
 * not publish into an embedded broker of its own, and a topic missing on a cluster that creates none stops start-up
 * instead of leaving rows unsent for ever.
 */
class NeverSilentlyOffTests {

	@Test
	void anAnnotatedBeanBehindAnInterfaceTypedBeanMethodStopsAStartUpThatCannotServeIt() {
		TestContexts.onSharedBroker().withUserConfiguration(TwoDataSources.class, HiddenPublisher.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining(OrderServiceImpl.class.getName())
				.hasMessageContaining("reliable-messaging.outbox.data-source");
		});
	}

	@Test
	void withoutANameServerADeploymentDoesNotStartAnEmbeddedBroker() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class,
					EmbeddedBrokerAutoConfiguration.class, RocketMqAutoConfiguration.class,
					MessagingJdbcAutoConfiguration.class, OutboxAutoConfiguration.class,
					ConsumerAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + TestContexts.h2Url(), "spring.application.name=in-a-pod",
					"spring.main.cloud-platform=kubernetes")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("reliable-messaging.rocketmq.name-server")
					.hasMessageContaining("reliable-messaging.rocketmq.embedded.enabled");
			});
	}

	@Test
	void aTopicMissingOnBrokersThatCreateNoneStopsStartUpNamingItAndTheCommand() {
		String topic = TestContexts.uniqueTopic("never-created");
		// the shared broker creates no topics, and a name server given by property is a production cluster
		TestContexts.runner()
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer(),
					"reliable-messaging.rocketmq.topics=" + topic)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining(topic)
					.hasMessageContaining("autoCreateTopicEnable=false")
					.hasMessageContaining("mqadmin updateTopic -n " + SharedBroker.nameServer());
			});
	}

	/** What the application's other beans see of the order service. */
	public interface OrderApi {

		String place(String id);

	}

	public static class OrderServiceImpl implements OrderApi {

		@Override
		@Transactional
		@ReliablePublish(topic = "hidden-orders", payload = "#result")
		public String place(String id) {
			return id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HiddenPublisher {

		@Bean
		OrderApi orders() {
			return new OrderServiceImpl();
		}

	}

}
