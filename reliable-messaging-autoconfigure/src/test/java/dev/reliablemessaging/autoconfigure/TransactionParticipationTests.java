package dev.reliablemessaging.autoconfigure;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliablePublish;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A change commits with its message or not at all, whatever the pool and the nesting: participation in the
 * transaction is decided by the transaction, not by the connection's auto-commit mode; a publish once the
 * transaction is completing is refused; and a failed publish keeps its own transaction from committing, also when it
 * is a {@code REQUIRES_NEW} transaction nested in one that published.
 */
class TransactionParticipationTests {

	@Test
	void aTransactionOfAnotherDataSourceIsRefusedAlsoOnAPoolWithoutAutoCommit() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(NoAutoCommitDataSources.class)
			.withPropertyValues("reliable-messaging.outbox.data-source=ordersDataSource",
					"reliable-messaging.relay.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate reporting = new TransactionTemplate(
						context.getBean("reportingTransactionManager", PlatformTransactionManager.class));
				assertThatThrownBy(() -> reporting.executeWithoutResult((status) -> publisher.publish("reports", "r")))
					.isInstanceOf(IllegalTransactionStateException.class)
					.hasMessageContaining("ordersDataSource");
				assertThat(TwoDataSources.outboxRows(context.getBean("ordersDataSource", DataSource.class))).isZero();
			});
	}

	@Test
	void aPublishAfterTheCommitIsRefusedOnAPoolWithoutAutoCommit() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(NoAutoCommitDataSource.class)
			.withPropertyValues("reliable-messaging.relay.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				AtomicReference<RuntimeException> refused = new AtomicReference<>();
				AtomicReference<String> accepted = new AtomicReference<>();
				transactions(context).executeWithoutResult((status) -> TransactionSynchronizationManager
					.registerSynchronization(new TransactionSynchronization() {
						@Override
						public void afterCommit() {
							try {
								accepted.set(publisher.publish("after-commit", "late"));
							}
							catch (RuntimeException ex) {
								refused.set(ex);
							}
						}
					}));
				long rows = outboxRows(context, "after-commit");
				assertThat(refused.get() != null || rows == 1)
					.as("the publish after the commit is refused (" + refused.get() + ") or its row is committed ("
							+ rows + " rows; publish returned " + accepted.get() + ")")
					.isTrue();
				assertThat(refused.get()).isInstanceOf(IllegalTransactionStateException.class);
				assertThat(refused.get().getMessage()).contains("completing");
			});
	}

	@Test
	void aNestedTransactionThatCatchesItsFailedPublishDoesNotCommitWithoutIt() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(NoAutoCommitDataSource.class)
			.withPropertyValues("reliable-messaging.relay.enabled=false")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				jdbc.execute("CREATE TABLE audit_entries (id VARCHAR(36) PRIMARY KEY)");
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				TransactionTemplate outer = transactions(context);
				TransactionTemplate inner = transactions(context);
				inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
				AtomicReference<RuntimeException> innerFailure = new AtomicReference<>();
				outer.executeWithoutResult((status) -> {
					publisher.publish("orders-nested", "outer message");
					try {
						inner.executeWithoutResult((innerStatus) -> {
							jdbc.update("INSERT INTO audit_entries (id) VALUES (?)", UUID.randomUUID().toString());
							try {
								publisher.publish("audit-nested", new TransactionBoundaryTests.Unserializable());
							}
							catch (RuntimeException swallowed) {
								// best effort, the caller thinks
							}
						});
					}
					catch (RuntimeException ex) {
						innerFailure.set(ex);
					}
				});
				assertThat(innerFailure.get()).as("the inner transaction could not commit").isNotNull();
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_entries", Long.class))
					.as("the inner change without its message").isZero();
				assertThat(outboxRows(context, "orders-nested")).as("the outer message commits").isEqualTo(1);
			});
	}

	@Test
	void aNestedReliablePublishMethodWhoseExpressionFailsDoesNotCommitWithoutItsMessage() {
		TestContexts.onSharedBroker()
			.withUserConfiguration(NoAutoCommitDataSource.class, Auditing.class)
			.withPropertyValues("reliable-messaging.relay.enabled=false")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				AuditLog audit = context.getBean(AuditLog.class);
				OutboxPublisher publisher = context.getBean(OutboxPublisher.class);
				AtomicReference<RuntimeException> innerFailure = new AtomicReference<>();
				transactions(context).executeWithoutResult((status) -> {
					publisher.publish("orders-nested", "outer message");
					for (String entry : new String[] { "bad-expression", "bad\u0001key" }) {
						try {
							audit.record(entry);
						}
						catch (RuntimeException ex) {
							innerFailure.set(ex);
						}
					}
				});
				assertThat(innerFailure.get()).isNotNull();
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_log", Long.class))
					.as("audit entries committed without their message").isZero();
				assertThat(outboxRows(context, "orders-nested")).isEqualTo(1);
			});
	}

	private static TransactionTemplate transactions(ApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	private static long outboxRows(ApplicationContext context, String topic) {
		return new JdbcTemplate(context.getBean(DataSource.class))
			.queryForObject("SELECT COUNT(*) FROM rm_outbox WHERE topic = ?", Long.class, topic);
	}

	private static HikariDataSource noAutoCommit() {
		HikariDataSource dataSource = TwoDataSources.h2();
		dataSource.setAutoCommit(false);
		return dataSource;
	}

	/** One H2 database on a pool that hands out connections with auto-commit off, as Hibernate users configure it. */
	@Configuration(proxyBeanMethods = false)
	static class NoAutoCommitDataSource {

		@Bean(destroyMethod = "close")
		HikariDataSource dataSource() {
			return noAutoCommit();
		}

		@Bean
		PlatformTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

	}

	/** Two H2 databases without auto-commit, each with its own transaction manager. */
	@Configuration(proxyBeanMethods = false)
	static class NoAutoCommitDataSources {

		@Bean(destroyMethod = "close")
		HikariDataSource ordersDataSource() {
			return noAutoCommit();
		}

		@Bean(destroyMethod = "close")
		HikariDataSource reportingDataSource() {
			return noAutoCommit();
		}

		@Bean
		PlatformTransactionManager ordersTransactionManager(DataSource ordersDataSource) {
			return new DataSourceTransactionManager(ordersDataSource);
		}

		@Bean
		PlatformTransactionManager reportingTransactionManager(DataSource reportingDataSource) {
			return new DataSourceTransactionManager(reportingDataSource);
		}

	}

	/** Writes an audit entry in a transaction of its own and publishes it; the key of some entries is refused. */
	public static class AuditLog {

		private final JdbcTemplate jdbc;

		AuditLog(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
			jdbc.execute("CREATE TABLE IF NOT EXISTS audit_log (id VARCHAR(36) PRIMARY KEY)");
		}

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		@ReliablePublish(topic = "audit-nested", key = "#p0.equals('bad-expression') ? #p0.substring(100) : #p0",
				payload = "#p0")
		public void record(String entry) {
			this.jdbc.update("INSERT INTO audit_log (id) VALUES (?)", UUID.randomUUID().toString());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Auditing {

		@Bean
		AuditLog auditLog(DataSource dataSource) {
			return new AuditLog(new JdbcTemplate(dataSource));
		}

	}

}
