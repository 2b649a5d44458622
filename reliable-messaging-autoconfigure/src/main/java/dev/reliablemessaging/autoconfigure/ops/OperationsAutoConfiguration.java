package dev.reliablemessaging.autoconfigure.ops;

import java.time.Clock;

import dev.reliablemessaging.autoconfigure.consumer.ConsumerAutoConfiguration;
import dev.reliablemessaging.autoconfigure.consumer.ReliableListeners;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAdmin;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAutoConfiguration;
import dev.reliablemessaging.autoconfigure.outbox.Relay;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerDurabilityAudit;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerInspector;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What operators see, each part only when its library is present: Micrometer metrics, Micrometer Tracing
 * propagation, the {@code reliableMessaging} health indicator and the {@code reliablemessaging} actuator endpoint.
 */
@AutoConfiguration(after = { RocketMqAutoConfiguration.class, OutboxAutoConfiguration.class,
		ConsumerAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@EnableConfigurationProperties(HealthProperties.class)
@Import({ OperationsAutoConfiguration.MetricsConfiguration.class, OperationsAutoConfiguration.TracingConfiguration.class,
		OperationsAutoConfiguration.HealthConfiguration.class, OperationsAutoConfiguration.EndpointConfiguration.class })
public final class OperationsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MessagingMetrics reliableMessagingMetrics(MeterRegistry registry) {
			return new MicrometerMessagingMetrics(registry);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(OutboxAdmin.class)
		OutboxGauges reliableMessagingOutboxGauges(OutboxAdmin outbox) {
			return new OutboxGauges(outbox, Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Tracer.class)
	static class TracingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MessageTracing reliableMessagingTracing(ObjectProvider<Tracer> tracer) {
			return new MicrometerMessageTracing(tracer);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnBean(BrokerInspector.class)
	@ConditionalOnEnabledHealthIndicator("reliablemessaging")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "reliableMessagingHealthIndicator")
		ReliableMessagingHealthIndicator reliableMessagingHealthIndicator(BrokerInspector inspector,
				ObjectProvider<OutboxAdmin> outbox, ObjectProvider<ReliableListeners> listeners, HealthProperties health) {
			return new ReliableMessagingHealthIndicator(new OperationalState(inspector, outbox.getIfAvailable(),
					listeners.getIfAvailable(), health.getBrokerUnreachableThreshold(), health.getPendingAgeThreshold(),
					Clock.systemUTC()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(ReliableMessagingEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReliableMessagingEndpoint reliableMessagingActuatorEndpoint(ObjectProvider<OutboxAdmin> outbox,
				ObjectProvider<Relay> relay, ObjectProvider<ReliableListeners> listeners,
				ObjectProvider<BrokerDurabilityAudit> audit) {
			return new ReliableMessagingEndpoint(outbox.getIfAvailable(), relay.getIfAvailable(),
					listeners.getIfAvailable(), audit.getIfAvailable());
		}

	}

}
