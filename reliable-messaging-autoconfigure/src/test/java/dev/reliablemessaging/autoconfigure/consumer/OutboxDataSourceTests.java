package dev.reliablemessaging.autoconfigure.consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.reliablemessaging.OutboxDataSource;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TwoDataSources;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which DataSource holds the outbox and inbox when an application has several: the one named by the property or
 * marked with the qualifier, else the single or primary one; and a start-up failure, never a silent back-off, when
 * the application publishes or listens and none can be chosen.
 */
class OutboxDataSourceTests {

	@Test
	void withTwoDataSourcesAndNoChoiceAPublishingApplicationDoesNotStart() {
		TestContexts.onSharedBroker().withUserConfiguration(TwoDataSources.class, Publisher.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("ordersDataSource")
				.hasMessageContaining("reportingDataSource")
				.hasMessageContaining("reliable-messaging.outbox.data-source")
				.hasMessageContaining("@OutboxDataSource");
		});
	}

	@Test
	void thePropertyNamesTheDataSourceOfTheOutbox() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TwoDataSources.class, Publisher.class)
			.withPropertyValues("reliable-messaging.outbox.data-source=reportingDataSource")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource reporting = context.getBean("reportingDataSource", DataSource.class);
				PlatformTransactionManager transactions = context.getBean("reportingTransactionManager",
						PlatformTransactionManager.class);
				new TransactionTemplate(transactions).executeWithoutResult(
						(status) -> context.getBean(OutboxPublisher.class).publish("unused-topic", "hello"));
				assertThat(TwoDataSources.outboxRows(reporting)).isEqualTo(1);
				assertThat(TwoDataSources.outboxRows(context.getBean("ordersDataSource", DataSource.class)))
					.isEqualTo(-1);
			});
	}

	@Test
	void theQualifierMarksTheDataSourceOfTheOutboxAndItsTransactionsRunTheListeners() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(MarkedReporting.class, Publisher.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MessagingDataSource.class).name()).isEqualTo("reportingDataSource");
				DataSource reporting = context.getBean("reportingDataSource", DataSource.class);
				assertThat(TwoDataSources.outboxRows(reporting)).isZero();
				assertThat(context.getBean(InboxTransactions.class).template().getTransactionManager())
					.isSameAs(context.getBean("reportingTransactionManager"));
			});
	}

	@Test
	void thePrimaryDataSourceHoldsTheOutboxWhenNothingElseIsSaid() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(PrimaryOrders.class, Publisher.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MessagingDataSource.class).name()).isEqualTo("ordersDataSource");
			});
	}

	@Test
	void anUnknownDataSourceNameStopsStartUpNamingTheCandidates() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TwoDataSources.class, Publisher.class)
			.withPropertyValues("reliable-messaging.outbox.data-source=billingDataSource")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("billingDataSource")
					.hasMessageContaining("ordersDataSource")
					.hasMessageContaining("reportingDataSource");
			});
	}

	@Test
	void withTwoDataSourcesAnApplicationThatNeitherPublishesNorListensStarts() {
		TestContexts.onSharedBroker().withUserConfiguration(TwoDataSources.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(OutboxPublisher.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class MarkedReporting extends TwoDataSources {

		@Bean(destroyMethod = "close")
		@Override
		@OutboxDataSource
		public HikariDataSource reportingDataSource() {
			return h2();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryOrders extends TwoDataSources {

		@Bean(destroyMethod = "close")
		@Override
		@Primary
		public HikariDataSource ordersDataSource() {
			return h2();
		}

	}

	static class OrderService {

		@ReliablePublish(topic = "orders", payload = "#p0")
		public void place(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Publisher {

		@Bean
		OrderService orderService() {
			return new OrderService();
		}

	}

}
