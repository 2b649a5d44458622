package dev.reliablemessaging.autoconfigure.jdbc;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The database the outbox and the inbox share: the DataSource chosen by {@link OutboxDataSourceChoice}, its SQL
 * dialect, the table names and the schema migration. The outbox and the consumer configure themselves on top of it.
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, TransactionAutoConfiguration.class })
@ConditionalOnClass(JdbcTemplate.class)
@Conditional(OutboxDataSourceCondition.class)
@EnableConfigurationProperties(OutboxTableProperties.class)
public final class MessagingJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MessagingDataSource reliableMessagingDataSource(ConfigurableListableBeanFactory beanFactory,
			Environment environment, OutboxTableProperties tables) {
		String name = OutboxDataSourceChoice.of(beanFactory, environment).required();
		return new MessagingDataSource(name, beanFactory.getBean(name, DataSource.class), beanFactory,
				tables.isXaDataSource());
	}

	/** Checks the tables, after the starter's migration when it runs one. */
	@Bean
	SchemaCheck reliableMessagingSchemaCheck(MessagingDataSource dataSource, SqlDialect dialect, MessagingTables tables,
			ObjectProvider<SchemaMigrator> migrator) {
		migrator.ifAvailable((migrated) -> {
		});
		return new SchemaCheck(dataSource.dataSource(), dialect, tables);
	}

	/** Follows the transactions of the application's transaction managers, for the publisher's and the inbox's check. */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static TransactionTracker reliableMessagingTransactionTracker() {
		return new TransactionTracker();
	}

	@Bean
	@ConditionalOnMissingBean
	MessagingTables reliableMessagingTables(OutboxTableProperties tables) {
		return new MessagingTables(tables.getTablePrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	SqlDialect reliableMessagingSqlDialect(MessagingDataSource dataSource) {
		return SqlDialect.of(dataSource.dataSource());
	}

	@Bean
	@DependsOnDatabaseInitialization
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "reliable-messaging.outbox.initialize-schema", havingValue = "auto",
			matchIfMissing = true)
	SchemaMigrator reliableMessagingSchemaMigrator(MessagingDataSource dataSource, SqlDialect dialect,
			MessagingTables tables) {
		return new SchemaMigrator(dataSource.dataSource(), dialect, tables);
	}

}
