package dev.reliablemessaging.autoconfigure;

import java.util.UUID;

import dev.reliablemessaging.RocketMqConnectionDetails;
import dev.reliablemessaging.autoconfigure.consumer.ConsumerAutoConfiguration;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerAutoConfiguration;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingJdbcAutoConfiguration;
import dev.reliablemessaging.autoconfigure.ops.OperationsAutoConfiguration;
import dev.reliablemessaging.autoconfigure.ops.StarterUsageAutoConfiguration;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAutoConfiguration;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * Application contexts for tests: the starter's auto-configuration with Spring Boot's DataSource, transaction and
 * Jackson auto-configuration, on an H2 database of the test's own and the shared broker.
 */
public final class TestContexts {

	/** Spring Boot's own metrics set-up, which binds meter binders such as the outbox gauges. */
	public static final AutoConfigurations METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class);

	private TestContexts() {
	}

	public static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					TransactionAutoConfiguration.class,
					JacksonAutoConfiguration.class, EmbeddedBrokerAutoConfiguration.class, RocketMqAutoConfiguration.class,
					MessagingJdbcAutoConfiguration.class,
					OutboxAutoConfiguration.class,
					ConsumerAutoConfiguration.class, OperationsAutoConfiguration.class,
					StarterUsageAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + h2Url(), "spring.application.name=test-service");
	}

	/**
	 * A runner on the shared broker with fast retries. The broker creates no topic on its own, as production brokers
	 * do not; it is an embedded one, so the starter creates the topics the application declares or publishes to.
	 */
	public static ApplicationContextRunner onSharedBroker() {
		return on(SharedBroker.nameServer()).withPropertyValues("reliable-messaging.relay.poll-interval=100ms",
				"reliable-messaging.relay.backoff.initial=100ms", "reliable-messaging.relay.backoff.max=1s",
				"reliable-messaging.rocketmq.route-refresh-interval=1s");
	}

	/**
	 * A runner on an embedded broker of the test's own: the starter creates the topics the application declares or
	 * publishes to, as on the shared broker.
	 */
	public static ApplicationContextRunner on(String nameServer) {
		return runner().withPropertyValues("reliable-messaging.rocketmq.name-server=" + nameServer)
			.withBean("testBrokerConnection", RocketMqConnectionDetails.class, () -> new RocketMqConnectionDetails() {

				@Override
				public String nameServerAddress() {
					return nameServer;
				}

				@Override
				public boolean embedded() {
					return true;
				}

			});
	}

	public static String h2Url() {
		return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	public static String uniqueTopic(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
