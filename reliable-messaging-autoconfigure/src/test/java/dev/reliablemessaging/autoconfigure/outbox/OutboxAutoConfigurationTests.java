package dev.reliablemessaging.autoconfigure.outbox;

import java.util.List;
import javax.sql.DataSource;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingJdbcAutoConfiguration;
import dev.reliablemessaging.autoconfigure.jdbc.SchemaMigrator;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxAutoConfigurationTests {

	private final ApplicationContextRunner runner = TestContexts.onSharedBroker();

	@Test
	void defaultsCreateTheTablesThePublisherAndTheRelay() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(OutboxPublisher.class)
				.hasSingleBean(Relay.class)
				.hasSingleBean(SchemaMigrator.class)
				.hasBean("reliablePublishPostProcessor");
			assertThat(tables(context)).contains("RM_OUTBOX", "RM_INBOX", "RM_SCHEMA_HISTORY");
			assertThat(context.getBean(Relay.class).isRunning()).isTrue();
		});
	}

	@Test
	void tablePrefixIsConfigurable() {
		this.runner.withPropertyValues("reliable-messaging.outbox.table-prefix=orders_msg_").run((context) -> {
			assertThat(tables(context)).contains("ORDERS_MSG_OUTBOX", "ORDERS_MSG_INBOX", "ORDERS_MSG_SCHEMA_HISTORY")
				.doesNotContain("RM_OUTBOX");
		});
	}

	@Test
	void tablePrefixThatIsNotAPlainIdentifierFailsStartUp() {
		this.runner.withPropertyValues("reliable-messaging.outbox.table-prefix=rm;drop table x;").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("reliable-messaging.outbox.table-prefix")
				.hasMessageContaining("plain SQL identifier");
		});
	}

	@Test
	void schemaInitializationCanBeSwitchedOffAndTheTablesAreThenCheckedAtStartUp() {
		this.runner.withPropertyValues("reliable-messaging.outbox.initialize-schema=never").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("table rm_outbox does not exist")
				.hasMessageContaining("initialize-schema");
		});
	}

	@Test
	void relayCanBeSwitchedOffWhilePublishingStillWorks() {
		this.runner.withPropertyValues("reliable-messaging.relay.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(Relay.class).hasSingleBean(OutboxPublisher.class);
			OutboxTableProbe outbox = new OutboxTableProbe(context);
			outbox.publish(TestContexts.uniqueTopic("no-relay"), 3, 3);
			assertThat(outbox.count("PENDING")).isEqualTo(3);
		});
	}

	@Test
	void userPublisherBacksTheDefaultOff() {
		this.runner.withUserConfiguration(UserPublisher.class).run((context) -> {
			assertThat(context).hasSingleBean(OutboxPublisher.class);
			assertThat(context.getBean(OutboxPublisher.class).publish("t", "p")).isEqualTo("user");
		});
	}

	@Test
	void invalidRelaySettingsFailStartUpNamingTheProperty() {
		this.runner.withPropertyValues("reliable-messaging.relay.batch-size=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("reliable-messaging.relay.batch-size");
		});
		this.runner.withPropertyValues("reliable-messaging.relay.accepted-send-statuses=FLUSH_DISK_TIMEOUT")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("reliable-messaging.relay.accepted-send-statuses")
					.hasMessageContaining("SEND_OK");
			});
		this.runner.withPropertyValues("reliable-messaging.relay.lease=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("reliable-messaging.relay.lease");
		});
	}

	@Test
	void withoutADataSourceThereIsNoOutbox() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RocketMqAutoConfiguration.class, MessagingJdbcAutoConfiguration.class,
					OutboxAutoConfiguration.class))
			.withPropertyValues("reliable-messaging.rocketmq.name-server=" + SharedBroker.nameServer(),
					"spring.application.name=no-db")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxPublisher.class));
	}

	@Test
	void withoutSpringJdbcThereIsNoOutbox() {
		this.runner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(OutboxPublisher.class));
	}

	private static List<String> tables(ApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class)).queryForList(
				"SELECT UPPER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'", String.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserPublisher {

		@Bean
		OutboxPublisher userPublisher() {
			return new OutboxPublisher() {
				@Override
				public String publish(String topic, Object payload) {
					return "user";
				}

				@Override
				public String publish(OutboundMessage message) {
					return "user";
				}
			};
		}

	}

}
