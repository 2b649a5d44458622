package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.PayloadCodec;
import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingJdbcAutoConfiguration;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.OutboxDataSourceChoice;
import dev.reliablemessaging.autoconfigure.jdbc.OutboxTableProperties;
import dev.reliablemessaging.autoconfigure.jdbc.SchemaMigrator;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqProperties;
import dev.reliablemessaging.autoconfigure.rocketmq.SendStatusProperties;
import dev.reliablemessaging.autoconfigure.rocketmq.TopicProvisioner;
import dev.reliablemessaging.autoconfigure.support.AnnotationAdvisor;
import dev.reliablemessaging.autoconfigure.support.InnermostAdvisingPostProcessor;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import dev.reliablemessaging.autoconfigure.support.PropertyChecks;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producer side of the starter: the outbox table and its schema, {@link OutboxPublisher},
 * {@code @ReliablePublish} and the relay, on the DataSource chosen by {@link OutboxDataSourceChoice}.
 */
@AutoConfiguration(after = { MessagingJdbcAutoConfiguration.class, RocketMqAutoConfiguration.class },
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class, DefaultMQProducer.class })
@ConditionalOnBean(MessagingDataSource.class)
@EnableConfigurationProperties({ RelayProperties.class, RocketMqProperties.class, SendStatusProperties.class })
public final class OutboxAutoConfiguration {

	/** The default of {@code reliable-messaging.consumer.dedup-window}, the consumers' key. */
	static final Duration DEDUP_WINDOW_DEFAULT = Duration.ofDays(7);

	@Bean
	@ConditionalOnMissingBean
	OutboxWriter reliableMessagingOutboxWriter(MessagingDataSource dataSource, SqlDialect database,
			MessagingTables tables, OutboxTableProperties outbox, ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((ready) -> {
		});
		PropertyChecks.positive("reliable-messaging.outbox.ordering-lock-timeout", outbox.getOrderingLockTimeout());
		return new OutboxWriter(dataSource, database, tables, outbox.getOrderingLockTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	RelayDatabase reliableMessagingRelayDatabase(MessagingDataSource dataSource, SqlDialect database,
			MessagingTables tables, RelayProperties relay, RocketMqProperties rocketmq, SendStatusProperties sendStatuses,
			ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((ready) -> {
		});
		return new RelayDatabase(dataSource.dataSource(), database, tables,
				RelaySettings.from(relay, rocketmq, sendStatuses).statementTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxClaims reliableMessagingOutboxClaims(RelayDatabase database, RelayProperties relay, RocketMqProperties rocketmq,
			SendStatusProperties sendStatuses) {
		return new OutboxClaims(database, RelaySettings.from(relay, rocketmq, sendStatuses).maxClaimBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxRows reliableMessagingOutboxRows(RelayDatabase database) {
		return new OutboxRows(database);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "reliable-messaging.relay.enabled", matchIfMissing = true)
	@ConditionalOnBean(name = RocketMqAutoConfiguration.PRODUCER_BEAN)
	Relay reliableMessagingRelay(OutboxClaims claims, OutboxRows rows, RelayDatabase database,
			DefaultMQProducer reliableMessagingProducer,
			RelayProperties relay, RocketMqProperties rocketmq, SendStatusProperties sendStatuses,
			ObjectProvider<MessagingMetrics> metrics, ObjectProvider<TopicProvisioner> topics) {
		RelaySettings settings = RelaySettings.from(relay, rocketmq, sendStatuses);
		ClaimSender sender = new ClaimSender(
				new RocketMqSender(reliableMessagingProducer, database, topics.getIfAvailable()), rows, settings,
				metrics.getIfAvailable(MessagingMetrics::none));
		return new Relay(claims, rows, sender, settings);
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxAdmin reliableMessagingOutboxAdmin(MessagingDataSource dataSource, SqlDialect database, MessagingTables tables,
			Environment environment, ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((ready) -> {
		});
		// rows older than the consumers' dedup window are replayed only when forced
		Duration replayHorizon = Binder.get(environment)
			.bind("reliable-messaging.consumer.dedup-window", Duration.class)
			.orElse(DEDUP_WINDOW_DEFAULT);
		return new OutboxAdmin(dataSource.dataSource(), database, tables, replayHorizon);
	}

	@Bean
	@ConditionalOnMissingBean
	PublishingTransaction reliableMessagingPublishingTransaction(ObjectProvider<Relay> relay,
			RelayProperties relayProperties) {
		Relay fastPath = relayProperties.isSendAfterCommit() ? relay.getIfAvailable() : null;
		return new PublishingTransaction((fastPath != null) ? fastPath::sendSoon : (ids) -> {
		});
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxPublisher reliableMessagingOutboxPublisher(OutboxWriter writer, PublishingTransaction transaction,
			ObjectProvider<JsonMapper> jsonMapper, RocketMqProperties rocketmq,
			ObjectProvider<MessagingMetrics> metrics, ObjectProvider<MessageTracing> tracing,
			ObjectProvider<PayloadCodec> codec) {
		PayloadSerializer serializer = new PayloadSerializer(jsonMapper.getIfAvailable(JsonMapper::new),
				rocketmq.getMaxMessageSize().toBytes(), codec.getIfUnique());
		return new JdbcOutboxPublisher(writer, serializer, transaction, metrics.getIfAvailable(MessagingMetrics::none),
				tracing.getIfAvailable(MessageTracing::none));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static InnermostAdvisingPostProcessor reliablePublishPostProcessor(ObjectProvider<OutboxPublisher> publisher,
			ObjectProvider<PublishingTransaction> transaction, Environment environment, BeanFactory beanFactory) {
		return new InnermostAdvisingPostProcessor(new AnnotationAdvisor(ReliablePublish.class,
				new ReliablePublishInterceptor(publisher, transaction, environment, beanFactory)));
	}

}
