package dev.reliablemessaging.autoconfigure.embedded;

import java.util.List;

import dev.reliablemessaging.RocketMqConnectionDetails;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * An in-process name server and broker for development, when no name server is configured and RocketMQ's broker
 * and name server are on the class path; on a cloud platform only when asked for
 * ({@code reliable-messaging.rocketmq.embedded.enabled=true}), since there a missing name server is a mistake. It supplies the {@link RocketMqConnectionDetails} the RocketMQ
 * configuration connects with.
 */
@AutoConfiguration(beforeName = "dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration")
@ConditionalOnClass(name = { "org.apache.rocketmq.broker.BrokerController",
		"org.apache.rocketmq.namesrv.NamesrvController" })
@Conditional(EmbeddedBrokerCondition.class)
@EnableConfigurationProperties(EmbeddedBrokerProperties.class)
public final class EmbeddedBrokerAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EmbeddedRocketMq reliableMessagingEmbeddedBroker(EmbeddedBrokerProperties embedded, Environment environment) {
		CloudPlatform platform = CloudPlatform.getActive(environment);
		if (embedded.getEnabled() == null && platform != null) {
			throw new InvalidConfigurationPropertyValueException("reliable-messaging.rocketmq.name-server", null,
					"No RocketMQ name server is configured, and this application runs on " + platform + ", so it "
							+ "would publish into an embedded broker of its own that nothing else reads. Set "
							+ "reliable-messaging.rocketmq.name-server, or reliable-messaging.rocketmq.embedded.enabled"
							+ "=true to run an embedded broker here on purpose.");
		}
		EmbeddedBrokerSettings settings = EmbeddedBrokerSettings.of(embedded.getStoreDir())
			.withFlushDiskType(FlushDiskType.valueOf(embedded.getFlushDiskType().name()))
			.withPorts(embedded.getNameServerPort(), List.of(embedded.getBrokerPort()), 0);
		return new EmbeddedRocketMq(settings).start();
	}

	@Bean
	@ConditionalOnMissingBean
	RocketMqConnectionDetails reliableMessagingEmbeddedBrokerConnection(EmbeddedRocketMq broker) {
		return new RocketMqConnectionDetails() {

			@Override
			public String nameServerAddress() {
				return broker.nameServerAddress();
			}

			@Override
			public boolean embedded() {
				return true;
			}

		};
	}

}
