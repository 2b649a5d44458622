package dev.reliablemessaging.autoconfigure.consumer;

import com.zaxxer.hikari.HikariDataSource;
import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestWarehouse;
import dev.reliablemessaging.autoconfigure.TwoDataSources;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing is acknowledged unless its effects committed: listeners whose transactions would not include the inbox do
 * not start, since the inbox row would commit on its own and a failed message's redelivery would be taken for a
 * duplicate.
 */
class InboxTransactionTests {

	@Test
	void aTransactionManagerOfAnotherDataSourceStopsStartUp() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(ForeignTransactionManager.class, TestWarehouse.ConcurrentConfig.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("foreign"),
					"test.group=" + TestContexts.uniqueTopic("foreign-group"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("does not manage DataSource 'dataSource'")
					.hasMessageContaining(InboxTransactions.PROPERTY);
			});
	}

	@Test
	void aConfiguredTransactionManagerThatDoesNotManageTheInboxStopsStartUp() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TwoDataSources.class, Listener.class)
			.withPropertyValues("reliable-messaging.outbox.data-source=ordersDataSource",
					InboxTransactions.PROPERTY + "=reportingTransactionManager",
					"test.topic=" + TestContexts.uniqueTopic("foreign"),
					"test.group=" + TestContexts.uniqueTopic("foreign-group"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("ordersDataSource")
					.hasMessageContaining("ordersTransactionManager");
			});
	}

	public static class Notes {

		@ReliableListener(topic = "${test.topic}", consumerGroup = "${test.group}")
		public void on(String note) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		@Bean
		Notes notes() {
			return new Notes();
		}

	}

	/** One DataSource, and a transaction manager for another pool that is no bean: the handler's changes and the
	 * inbox would commit apart. */
	@Configuration(proxyBeanMethods = false)
	static class ForeignTransactionManager {

		@Bean(destroyMethod = "close")
		HikariDataSource dataSource() {
			return TwoDataSources.h2();
		}

		@Bean
		PlatformTransactionManager transactionManager() {
			return new DataSourceTransactionManager(new DriverManagerDataSource(TestContexts.h2Url()));
		}

	}

}
