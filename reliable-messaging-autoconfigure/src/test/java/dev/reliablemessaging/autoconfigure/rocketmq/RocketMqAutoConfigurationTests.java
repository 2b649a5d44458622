package dev.reliablemessaging.autoconfigure.rocketmq;

import java.net.ServerSocket;

import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerAutoConfiguration;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class RocketMqAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EmbeddedBrokerAutoConfiguration.class, RocketMqAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@Test
	void startsAnEmbeddedBrokerWhenNoNameServerIsConfigured() {
		this.runner
			.withPropertyValues("reliable-messaging.rocketmq.embedded.store-dir=" + SharedBroker.tempDir("embedded"),
					"reliable-messaging.rocketmq.embedded.flush-disk-type=ASYNC_FLUSH")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(EmbeddedRocketMq.class);
				EmbeddedRocketMq broker = context.getBean(EmbeddedRocketMq.class);
				RocketMqClients endpoint = context.getBean(RocketMqClients.class);
				assertThat(endpoint.embedded()).isTrue();
				assertThat(endpoint.nameServer()).isEqualTo(broker.nameServerAddress());
				assertThat(broker.broker().getMessageStoreConfig().getFlushDiskType().name()).isEqualTo("ASYNC_FLUSH");
			});
	}

	@Test
	void usesTheConfiguredNameServerAndDefaultsTheProducerGroupToTheApplicationName() {
		this.runner.withPropertyValues("reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer(),
				"reliable-messaging.rocketmq.send-timeout=7s")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedRocketMq.class);
				assertThat(context.getBean(RocketMqClients.class).embedded()).isFalse();
				DefaultMQProducer producer = context.getBean(DefaultMQProducer.class);
				assertThat(producer.getProducerGroup()).isEqualTo("orders");
				assertThat(producer.getSendMsgTimeout()).isEqualTo(7000);
				assertThat(producer.getNamesrvAddr()).isEqualTo(SharedBroker.nameServer());
			});
	}

	@Test
	void producerGroupPropertyOverridesTheApplicationName() {
		this.runner.withPropertyValues("reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer(),
				"reliable-messaging.rocketmq.producer-group=billing")
			.run((context) -> assertThat(context.getBean(DefaultMQProducer.class).getProducerGroup())
				.isEqualTo("billing"));
	}

	@Test
	void userProducerBacksTheDefaultOff() {
		this.runner.withPropertyValues("reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer())
			.withUserConfiguration(UserProducer.class)
			.run((context) -> assertThat(context.getBean(DefaultMQProducer.class).getProducerGroup())
				.isEqualTo("user-defined"));
	}

	@Test
	void withoutTheBrokerOnTheClasspathANameServerIsRequired() {
		this.runner.withClassLoader(new FilteredClassLoader(BrokerController.class)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("reliable-messaging.rocketmq.name-server")
				.hasMessageContaining("reliable-messaging-embedded-broker");
		});
	}

	@Test
	void withoutTheRocketMqClientNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(DefaultMQProducer.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RocketMqClients.class));
	}

	@Test
	void switchedOffEmbeddedBrokerWithoutNameServerFailsStartUp() {
		this.runner.withPropertyValues("reliable-messaging.rocketmq.embedded.enabled=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("reliable-messaging.rocketmq.name-server");
		});
	}

	@Test
	void unreachableNameServerFailsStartUp() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.runner.withPropertyValues("reliable-messaging.rocketmq.name-server=127.0.0.1:" + closedPort)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("reliable-messaging.rocketmq.name-server")
					.hasMessageContaining("No name server accepts connections");
			});
	}

	@Test
	void malformedNameServerFailsStartUp() {
		this.runner.withPropertyValues("reliable-messaging.rocketmq.name-server=localhost").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("reliable-messaging.rocketmq.name-server")
				.hasMessageContaining("host:port");
		});
	}

	@Test
	void missingProducerGroupFailsStartUp() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RocketMqAutoConfiguration.class))
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("reliable-messaging.rocketmq.producer-group");
			});
	}

	@Test
	void invalidTopicInConfigurationFailsStartUp() {
		this.runner.withPropertyValues("reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer(),
				"reliable-messaging.rocketmq.topics=orders,bad topic")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("reliable-messaging.rocketmq.topics")
					.hasMessageContaining("bad topic");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserProducer {

		@Bean(destroyMethod = "shutdown")
		DefaultMQProducer reliableMessagingProducer() throws Exception {
			DefaultMQProducer producer = new DefaultMQProducer("user-defined");
			producer.setNamesrvAddr(SharedBroker.nameServer());
			producer.setInstanceName("user-defined-" + System.nanoTime());
			producer.start();
			return producer;
		}

	}

}
