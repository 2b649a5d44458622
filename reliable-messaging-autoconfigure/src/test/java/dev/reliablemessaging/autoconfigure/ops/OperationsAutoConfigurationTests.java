package dev.reliablemessaging.autoconfigure.ops;

import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.outbox.Relay;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerDurabilityAudit;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each operations feature appears when its library is present and backs off when it is absent or turned off.
 */
class OperationsAutoConfigurationTests {

	@Test
	void withTheLibrariesPresentEveryFeatureIsConfigured() {
		TestContexts.onSharedBroker()
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=reliablemessaging")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(MessagingMetrics.class).isInstanceOf(MicrometerMessagingMetrics.class);
				assertThat(context).hasSingleBean(OutboxGauges.class);
				assertThat(context).getBean(MessageTracing.class).isInstanceOf(MicrometerMessageTracing.class);
				assertThat(context).hasBean("reliableMessagingHealthIndicator");
				assertThat(context).hasSingleBean(ReliableMessagingEndpoint.class);
				assertThat(context).hasSingleBean(BrokerDurabilityAudit.class);
			});
	}

	@Test
	void withoutTheLibrariesTheStarterRunsWithoutThem() {
		TestContexts.onSharedBroker()
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class, Tracer.class, HealthIndicator.class,
					Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=reliablemessaging")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(MessagingMetrics.class);
				assertThat(context).doesNotHaveBean(MessageTracing.class);
				assertThat(context).doesNotHaveBean(ReliableMessagingHealthIndicator.class);
				assertThat(context).doesNotHaveBean(ReliableMessagingEndpoint.class);
				assertThat(context).hasSingleBean(Relay.class);
			});
	}

	@Test
	void withoutAMeterRegistryThereAreNoMetricsAndTheEndpointNeedsExposing() {
		TestContexts.onSharedBroker().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(MessagingMetrics.class);
			assertThat(context).doesNotHaveBean(OutboxGauges.class);
			assertThat(context).doesNotHaveBean(ReliableMessagingEndpoint.class);
		});
	}

	@Test
	void theHealthIndicatorCanBeTurnedOffAndItsThresholdsAreChecked() {
		TestContexts.onSharedBroker()
			.withPropertyValues("management.health.reliablemessaging.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("reliableMessagingHealthIndicator"));
		TestContexts.onSharedBroker()
			.withPropertyValues("reliable-messaging.health.pending-age-threshold=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("reliable-messaging.health.pending-age-threshold"));
	}

}
