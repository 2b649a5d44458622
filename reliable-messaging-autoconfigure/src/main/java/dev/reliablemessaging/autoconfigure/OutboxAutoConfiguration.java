package dev.reliablemessaging.autoconfigure;

import java.time.Clock;

import javax.sql.DataSource;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.PayloadCodec;
import dev.reliablemessaging.ReliablePublish;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producer side of the starter: the outbox table and its schema, {@link OutboxPublisher},
 * {@code @ReliablePublish} and the relay.
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, TransactionAutoConfiguration.class,
		RocketMqAutoConfiguration.class },
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class, DefaultMQProducer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(ReliableMessagingProperties.class)
@Import(AutoProxyRegistrar.class)
public final class OutboxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OutboxTables reliableMessagingTables(ReliableMessagingProperties properties) {
		return new OutboxTables(properties.getOutbox().getTablePrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	Database reliableMessagingDatabase(DataSource dataSource) {
		return Database.of(dataSource);
	}

	@Bean
	@DependsOnDatabaseInitialization
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "reliable-messaging.outbox.initialize-schema", havingValue = "auto",
			matchIfMissing = true)
	SchemaMigrator reliableMessagingSchemaMigrator(DataSource dataSource, Database database, OutboxTables tables) {
		return new SchemaMigrator(dataSource, database, tables);
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxStore reliableMessagingOutboxStore(DataSource dataSource, Database database, OutboxTables tables,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((ready) -> {
		});
		return new OutboxStore(dataSource, database, tables, jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "reliable-messaging.relay.enabled", matchIfMissing = true)
	@ConditionalOnBean(name = RocketMqAutoConfiguration.PRODUCER_BEAN)
	Relay reliableMessagingRelay(OutboxStore store, DefaultMQProducer reliableMessagingProducer,
			ReliableMessagingProperties properties, ObjectProvider<MessagingMetrics> metrics) {
		Clock clock = Clock.systemUTC();
		return new Relay(store, new RocketMqSender(reliableMessagingProducer, clock), RelaySettings.from(properties),
				clock, metrics.getIfAvailable(MessagingMetrics::none));
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxAdmin reliableMessagingOutboxAdmin(DataSource dataSource, OutboxTables tables,
			ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((ready) -> {
		});
		return new OutboxAdmin(dataSource, tables);
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxPublisher reliableMessagingOutboxPublisher(OutboxStore store, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<Relay> relay, ReliableMessagingProperties properties,
			ObjectProvider<MessagingMetrics> metrics, ObjectProvider<MessageTracing> tracing,
			ObjectProvider<PayloadCodec> codec) {
		Relay fastPath = properties.getRelay().isSendAfterCommit() ? relay.getIfAvailable() : null;
		CommittedMessages committed = (fastPath != null) ? new CommittedMessages(fastPath::sendSoon)
				: CommittedMessages.ignored();
		PayloadSerializer serializer = new PayloadSerializer(jsonMapper.getIfAvailable(JsonMapper::new),
				properties.getRocketmq().getMaxMessageSize().toBytes(), codec.getIfUnique());
		return new JdbcOutboxPublisher(store, serializer, committed, Clock.systemUTC(),
				metrics.getIfAvailable(MessagingMetrics::none), tracing.getIfAvailable(MessageTracing::none));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AnnotationAdvisor reliablePublishAdvisor(ObjectProvider<OutboxPublisher> publisher,
			Environment environment, BeanFactory beanFactory) {
		return new AnnotationAdvisor(ReliablePublish.class,
				new ReliablePublishInterceptor(publisher, environment, beanFactory));
	}

}
