package dev.reliablemessaging.autoconfigure.outbox;

import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.reliablemessaging.autoconfigure.FreezingProxy;
import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingDataSource;
import dev.reliablemessaging.autoconfigure.jdbc.MessagingTables;
import dev.reliablemessaging.autoconfigure.jdbc.SchemaMigrator;
import dev.reliablemessaging.autoconfigure.jdbc.SqlDialect;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * No statement of the relay waits forever: on a connection that went half-open (a database failover, a cut
 * network) a claim fails within its timeout, so the relay's threads move on to a new connection.
 */
class StatementTimeoutTests {

	@Test
	void aClaimOnAHalfOpenConnectionFailsWithinItsTimeout() throws Exception {
		TestDatabase database = TestDatabase.POSTGRESQL;
		String url = database.freshSchemaUrl();
		URI server = URI.create(url.substring("jdbc:".length()));
		try (FreezingProxy proxy = new FreezingProxy(server.getHost(), server.getPort())) {
			String proxied = url.replace(server.getHost() + ":" + server.getPort(), "127.0.0.1:" + proxy.port());
			SingleConnectionDataSource dataSource = new SingleConnectionDataSource(proxied, database.user(),
					database.password(), true);
			try {
				SqlDialect dialect = SqlDialect.of(dataSource);
				MessagingTables tables = new MessagingTables("rm_");
				new SchemaMigrator(dataSource, dialect, tables).afterPropertiesSet();
				OutboxWriter writer = new OutboxWriter(
						new MessagingDataSource("dataSource", dataSource, new DefaultListableBeanFactory()), dialect,
						tables, Duration.ofSeconds(10));
				PublishingTransaction publishing = new PublishingTransaction((ids) -> {
				});
				new TransactionTemplate(new DataSourceTransactionManager(dataSource))
					.executeWithoutResult((status) -> writer.insert(new NewOutboxRow(UUID.randomUUID().toString(), "t",
							null, null, null, Map.of(), "p".getBytes(), Duration.ZERO), publishing));
				OutboxClaims claims = new OutboxClaims(
						new RelayDatabase(dataSource, dialect, tables, Duration.ofSeconds(2)), StoreFixture.MAX_CLAIM_BYTES);
				try (Connection warm = dataSource.getConnection()) {
					warm.isValid(2);
				}
				proxy.freezeOpenConnections();
				assertTimeoutPreemptively(Duration.ofSeconds(45),
						() -> assertThatThrownBy(() -> claims.claimDue("a", 10, Duration.ofSeconds(30)))
							.isInstanceOf(RuntimeException.class),
						"a claim on a frozen connection must fail within the relay's statement timeout");
			}
			finally {
				dataSource.destroy();
			}
		}
	}

}
