package dev.reliablemessaging.autoconfigure.embedded;

import java.util.List;

import dev.reliablemessaging.RocketMqConnectionDetails;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * An in-process name server and broker for development, when no name server is configured and RocketMQ's broker
 * and name server are on the class path. It supplies the {@link RocketMqConnectionDetails} the RocketMQ
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
	EmbeddedRocketMq reliableMessagingEmbeddedBroker(EmbeddedBrokerProperties embedded) {
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
