package dev.reliablemessaging.autoconfigure.rocketmq;

import java.time.Duration;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.RocketMqConnectionDetails;
import dev.reliablemessaging.autoconfigure.support.PropertyChecks;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The RocketMQ side of the starter: the client instance, on the name server of {@link RocketMqConnectionDetails} or
 * of {@code reliable-messaging.rocketmq.name-server}, the relay's producer and the creation of declared topics.
 */
@AutoConfiguration
@ConditionalOnClass(DefaultMQProducer.class)
@EnableConfigurationProperties({ RocketMqProperties.class, SendStatusProperties.class })
public final class RocketMqAutoConfiguration {

	public static final String PRODUCER_BEAN = "reliableMessagingProducer";

	@Bean
	@ConditionalOnMissingBean
	RocketMqClients reliableMessagingRocketMqClients(ObjectProvider<RocketMqConnectionDetails> connectionDetails,
			RocketMqProperties rocketmq) {
		String accessKey = rocketmq.getAccessKey();
		String secretKey = rocketmq.getSecretKey();
		if (StringUtils.hasText(accessKey) != StringUtils.hasText(secretKey)) {
			// name the missing one; the secret itself never goes into a message
			String missing = StringUtils.hasText(accessKey) ? "secret-key" : "access-key";
			throw new InvalidConfigurationPropertyValueException("reliable-messaging.rocketmq." + missing, null,
					"Set both reliable-messaging.rocketmq.access-key and secret-key, or neither.");
		}
		boolean tls = rocketmq.getTls().isEnabled();
		PropertyChecks.positive("reliable-messaging.rocketmq.route-refresh-interval", rocketmq.getRouteRefreshInterval());
		Duration routeRefresh = rocketmq.getRouteRefreshInterval();
		RocketMqConnectionDetails connection = connectionDetails.getIfAvailable();
		if (connection != null) {
			return new RocketMqClients(connection.nameServerAddress(), connection.embedded(), accessKey, secretKey, tls,
					routeRefresh);
		}
		String nameServer = rocketmq.getNameServer();
		if (!StringUtils.hasText(nameServer)) {
			throw new InvalidConfigurationPropertyValueException(NameServerCheck.PROPERTY, nameServer,
					"Set the RocketMQ name server address, or add dev.reliablemessaging:reliable-messaging-embedded-broker "
							+ "to run an embedded broker for development.");
		}
		return new RocketMqClients(NameServerCheck.requireReachable(nameServer), false, accessKey, secretKey, tls,
				routeRefresh);
	}

	/** Shut down by the endpoint, after everything that uses it. */
	@Bean(name = PRODUCER_BEAN, destroyMethod = "")
	@ConditionalOnMissingBean(name = PRODUCER_BEAN)
	DefaultMQProducer reliableMessagingProducer(RocketMqClients endpoint, RocketMqProperties rocketmq,
			Environment environment) throws Exception {
		String group = rocketmq.getProducerGroup();
		if (!StringUtils.hasText(group)) {
			group = environment.getProperty("spring.application.name");
		}
		if (!StringUtils.hasText(group)) {
			throw new InvalidConfigurationPropertyValueException("reliable-messaging.rocketmq.producer-group", null,
					"Set a producer group (or spring.application.name, which is the default).");
		}
		PropertyChecks.positive("reliable-messaging.rocketmq.send-timeout", rocketmq.getSendTimeout());
		PropertyChecks.between("reliable-messaging.rocketmq.max-message-size", rocketmq.getMaxMessageSize().toBytes(),
				1, 128L * 1024 * 1024);
		DefaultMQProducer producer = endpoint.newProducer(group);
		producer.setSendMsgTimeout((int) rocketmq.getSendTimeout().toMillis());
		producer.setMaxMessageSize((int) rocketmq.getMaxMessageSize().toBytes());
		producer.start();
		return producer;
	}

	@Bean
	@ConditionalOnMissingBean
	BrokerInspector reliableMessagingBrokerInspector(DefaultMQProducer reliableMessagingProducer) {
		return new BrokerInspector(reliableMessagingProducer);
	}

	/** Declared before the topic provisioner, so refused credentials stop start-up with a clear message first. */
	@Bean
	@ConditionalOnMissingBean
	BrokerAccessCheck reliableMessagingBrokerAccessCheck(BrokerInspector inspector, RocketMqClients endpoint) {
		return new BrokerAccessCheck(inspector, endpoint.accessKey());
	}

	@Bean
	@ConditionalOnMissingBean
	DeclaredTopics reliableMessagingDeclaredTopics(RocketMqProperties rocketmq,
			ConfigurableListableBeanFactory beanFactory, Environment environment) {
		return new DeclaredTopics(beanFactory, environment, rocketmq.getTopics());
	}

	@Bean
	@ConditionalOnMissingBean
	TopicProvisioner reliableMessagingTopicProvisioner(DefaultMQProducer reliableMessagingProducer,
			BrokerInspector inspector, RocketMqClients endpoint, RocketMqProperties rocketmq,
			DeclaredTopics declaredTopics) {
		int queues = rocketmq.getTopicQueues();
		PropertyChecks.between("reliable-messaging.rocketmq.topic-queues", queues, 1, 1024);
		rocketmq.getTopics().forEach(RocketMqAutoConfiguration::checkTopicName);
		return new TopicProvisioner(reliableMessagingProducer, inspector, queues, endpoint.embedded(), declaredTopics);
	}

	/** Declared after the topic provisioner, so it runs after it and sees the topics' routes. */
	@Bean
	@ConditionalOnMissingBean
	BrokerDurabilityAudit reliableMessagingDurabilityAudit(BrokerInspector inspector,
			RocketMqProperties rocketmq, DeclaredTopics declaredTopics) {
		return new BrokerDurabilityAudit(inspector, rocketmq.getDurabilityCheck(), declaredTopics);
	}

	private static void checkTopicName(String topic) {
		try {
			OutboundMessage.builder(topic);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("reliable-messaging.rocketmq.topics", topic,
					ex.getMessage());
		}
	}

}
