package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;

import dev.reliablemessaging.IdempotentConsumer;
import dev.reliablemessaging.PayloadCodec;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingJdbcAutoConfiguration;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SchemaMigrator;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerInspector;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqClients;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqProperties;
import dev.reliablemessaging.autoconfigure.rocketmq.SendStatusProperties;
import dev.reliablemessaging.autoconfigure.support.AnnotationAdvisor;
import dev.reliablemessaging.autoconfigure.support.InnermostAdvisingPostProcessor;
import dev.reliablemessaging.autoconfigure.support.MessageTracing;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
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
 * The consumer side of the starter: the inbox, a push consumer per {@code @ReliableListener} method, inbox
 * clean-up and {@code @IdempotentConsumer}, in transactions of the transaction manager of the inbox's DataSource.
 */
@AutoConfiguration(after = { MessagingJdbcAutoConfiguration.class, RocketMqAutoConfiguration.class })
@ConditionalOnClass({ JdbcTemplate.class, DefaultMQPushConsumer.class })
@ConditionalOnBean(MessagingDataSource.class)
@EnableConfigurationProperties(ConsumerProperties.class)
public final class ConsumerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConsumerSettings reliableMessagingConsumerSettings(ConsumerProperties consumer, RocketMqProperties rocketmq,
			SendStatusProperties sendStatuses) {
		return ConsumerSettings.from(consumer, rocketmq, sendStatuses);
	}

	@Bean
	@ConditionalOnMissingBean
	InboxStore reliableMessagingInboxStore(MessagingDataSource dataSource, SqlDialect database, MessagingTables tables,
			ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((ready) -> {
		});
		return new InboxStore(dataSource, database, tables);
	}

	@Bean
	@ConditionalOnMissingBean
	InboxTransactions reliableMessagingInboxTransactions(MessagingDataSource dataSource,
			ConfigurableListableBeanFactory beanFactory, ConsumerProperties consumer) {
		return new InboxTransactions(dataSource, beanFactory, consumer.getTransactionManager());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RocketMqClients.class)
	ReliableListeners reliableMessagingListeners(ConfigurableListableBeanFactory beanFactory, Environment environment,
			MessagingDataSource dataSource, SqlDialect database, MessagingTables tables, InboxStore inbox, InboxTransactions transactions, ObjectProvider<JsonMapper> jsonMapper,
			RocketMqClients endpoint, ConsumerSettings settings, ObjectProvider<MessagingMetrics> metrics,
			ObjectProvider<MessageTracing> tracing, ObjectProvider<PayloadCodec> codec,
			BrokerInspector inspector) {
		// the relay's key, read without the relay's classes: a replayed row kept that long reaches consumers late
		Duration relayRetention = Binder.get(environment)
			.bind("reliable-messaging.relay.retention", Duration.class)
			.orElse(Duration.ZERO);
		ConsumerGroupCheck groupCheck = new ConsumerGroupCheck(inspector, settings.dedupWindow(),
				relayRetention);
		ParkedMessages parked = new ParkedMessages(new JdbcTemplate(dataSource.dataSource()), database, tables);
		return new ReliableListeners(beanFactory, environment, inbox, transactions,
				new PayloadBinder(jsonMapper.getIfAvailable(JsonMapper::new), codec.getIfUnique()), endpoint, settings,
				metrics.getIfAvailable(MessagingMetrics::none), tracing.getIfAvailable(MessageTracing::none),
				groupCheck, parked);
	}

	@Bean
	@ConditionalOnMissingBean
	InboxCleanup reliableMessagingInboxCleanup(InboxStore inbox, ConsumerSettings settings) {
		return new InboxCleanup(inbox, settings.dedupWindow());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static InnermostAdvisingPostProcessor idempotentConsumerPostProcessor(ObjectProvider<InboxStore> inbox,
			ObjectProvider<InboxTransactions> transactions) {
		return new InnermostAdvisingPostProcessor(new AnnotationAdvisor(IdempotentConsumer.class,
				new IdempotentConsumerInterceptor(inbox, transactions)));
	}

}
