package dev.reliablemessaging.autoconfigure;

import java.time.Clock;

import javax.sql.DataSource;

import dev.reliablemessaging.IdempotentConsumer;
import dev.reliablemessaging.PayloadCodec;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consumer side of the starter: the inbox, a push consumer per {@code @ReliableListener} method, inbox
 * clean-up and {@code @IdempotentConsumer}.
 */
@AutoConfiguration(after = OutboxAutoConfiguration.class)
@ConditionalOnClass({ JdbcTemplate.class, DefaultMQPushConsumer.class })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(OutboxTables.class)
@EnableConfigurationProperties(ReliableMessagingProperties.class)
@Import(AutoProxyRegistrar.class)
public final class ConsumerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConsumerSettings reliableMessagingConsumerSettings(ReliableMessagingProperties properties) {
		return ConsumerSettings.from(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	InboxStore reliableMessagingInboxStore(DataSource dataSource, Database database, OutboxTables tables,
			ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((ready) -> {
		});
		return new InboxStore(dataSource, database, tables);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RocketMqEndpoint.class)
	ReliableListeners reliableMessagingListeners(ConfigurableListableBeanFactory beanFactory, Environment environment,
			InboxStore inbox, ObjectProvider<PlatformTransactionManager> transactionManager,
			ObjectProvider<JsonMapper> jsonMapper, RocketMqEndpoint endpoint, ConsumerSettings settings,
			ObjectProvider<MessagingMetrics> metrics, ObjectProvider<MessageTracing> tracing,
			ObjectProvider<PayloadCodec> codec) {
		PlatformTransactionManager transactions = transactionManager.getIfUnique();
		if (transactions == null) {
			throw new IllegalStateException("@ReliableListener needs one PlatformTransactionManager for the "
					+ "DataSource, to commit the handler's changes with its inbox row; found none or several");
		}
		return new ReliableListeners(beanFactory, environment, inbox, transactions,
				new PayloadBinder(jsonMapper.getIfAvailable(JsonMapper::new), codec.getIfUnique()), endpoint, settings,
				metrics.getIfAvailable(MessagingMetrics::none), tracing.getIfAvailable(MessageTracing::none));
	}

	@Bean
	@ConditionalOnMissingBean
	InboxCleanup reliableMessagingInboxCleanup(InboxStore inbox, ConsumerSettings settings) {
		return new InboxCleanup(inbox, settings.dedupWindow(), Clock.systemUTC());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AnnotationAdvisor idempotentConsumerAdvisor(ObjectProvider<InboxStore> inbox,
			ObjectProvider<PlatformTransactionManager> transactionManager) {
		return new AnnotationAdvisor(IdempotentConsumer.class,
				new IdempotentConsumerInterceptor(inbox, transactionManager));
	}

}
