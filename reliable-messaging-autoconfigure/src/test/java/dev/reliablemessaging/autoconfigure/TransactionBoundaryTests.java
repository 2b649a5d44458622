package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliablePublish;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A message commits with its business change or not at all: never on a connection outside the transaction, never
 * without its business change, and a {@code @ReliablePublish} method publishes inside its own transaction.
 */
class TransactionBoundaryTests {

	@Test
	void publishingInATransactionThatDoesNotManageTheOutboxIsRefusedAndLeavesNoRow() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(TwoDataSources.class)
			.withPropertyValues("reliable-messaging.outbox.data-source=ordersDataSource")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate reporting = new TransactionTemplate(
						context.getBean("reportingTransactionManager", PlatformTransactionManager.class));
				assertThatThrownBy(() -> reporting.executeWithoutResult((status) -> {
					publisher.publish("reports", "a report");
					status.setRollbackOnly();
				})).isInstanceOf(IllegalTransactionStateException.class)
					.hasMessageContaining("ordersDataSource")
					.hasMessageContaining("ordersTransactionManager");
				assertThat(TwoDataSources.outboxRows(context.getBean("ordersDataSource", DataSource.class))).isZero();
			});
	}

	@Test
	void aFailedPublishThatTheCallerCatchesStillRollsTheBusinessChangeBack() {
		TestContexts.onSharedBroker().run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.execute("CREATE TABLE invoices (id VARCHAR(36) PRIMARY KEY)");
			OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
			TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatThrownBy(() -> transactions.executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO invoices (id) VALUES (?)", UUID.randomUUID().toString());
				try {
					publisher.publish("invoices", new Unserializable());
				}
				catch (RuntimeException swallowed) {
					// the caller carries on as if the message did not matter
				}
			})).hasMessageContaining("invoices");
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM invoices", Long.class)).isZero();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class)).isZero();
		});
	}

	@Test
	void aFailedExpressionThatTheCallerCatchesStillRollsTheBusinessChangeBack() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(Services.class)
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("shipments"))
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				Shipments shipments = context.getBean(Shipments.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				assertThatThrownBy(() -> transactions.executeWithoutResult((status) -> {
					try {
						shipments.shipWithBadKey("parcel-1");
					}
					catch (RuntimeException swallowed) {
						// the caller carries on as if the message did not matter
					}
				})).hasMessageContaining("shipments");
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM shipments", Long.class)).isZero();
			});
	}

	@Test
	void aRequiresNewMethodPublishesInItsOwnTransactionWhateverTheCallerDoes() {
		String topic = TestContexts.uniqueTopic("shipments");
		TestContexts.onSharedBroker()
			.withUserConfiguration(Services.class)
			.withPropertyValues("test.topic=" + topic)
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				Shipments shipments = context.getBean(Shipments.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
					transactions.executeWithoutResult((status) -> {
						shipments.shipInItsOwnTransaction("parcel-2");
						status.setRollbackOnly();
					});
					await().atMost(Duration.ofSeconds(30)).until(() -> probe.received().size() == 1);
					assertThat(BrokerProbe.body(probe.received().get(0))).isEqualTo("parcel-2");
				}
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM shipments", Long.class)).isEqualTo(1);
			});
	}

	static class Unserializable {

		public Object getSelf() {
			return this;
		}

	}

	public static class Shipments {

		private final JdbcTemplate jdbc;

		Shipments(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
			jdbc.execute("CREATE TABLE IF NOT EXISTS shipments (id VARCHAR(36) PRIMARY KEY)");
		}

		/** Joins the caller's transaction without an interceptor of its own, as a plain helper method does. */
		@ReliablePublish(topic = "shipments", key = "#p0.substring(100)", payload = "#p0")
		public void shipWithBadKey(String parcel) {
			this.jdbc.update("INSERT INTO shipments (id) VALUES (?)", parcel);
		}

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		@ReliablePublish(topic = "${test.topic}", payload = "#p0")
		public void shipInItsOwnTransaction(String parcel) {
			this.jdbc.update("INSERT INTO shipments (id) VALUES (?)", parcel);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Shipments shipments(DataSource dataSource) {
			return new Shipments(new JdbcTemplate(dataSource));
		}

	}

}
