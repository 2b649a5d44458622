package dev.reliablemessaging.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.reliablemessaging.autoconfigure.OutboxStore.FailedRow;
import dev.reliablemessaging.autoconfigure.OutboxStore.SentRow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The outbox and inbox stores, written once and run against H2, PostgreSQL and MariaDB.
 */
class StoreContractTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private HikariDataSource dataSource;

	private OutboxStore outbox;

	private OutboxAdmin admin;

	private InboxStore inbox;

	private TransactionTemplate transactions;

	private JdbcTemplate jdbc;

	private void open(TestDatabase database) {
		String url = database.freshSchemaUrl();
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(url);
		this.dataSource.setUsername(database.user());
		this.dataSource.setPassword(database.password());
		this.dataSource.setMaximumPoolSize(6);
		Database dialect = Database.of(this.dataSource);
		OutboxTables tables = new OutboxTables("rm_");
		new SchemaMigrator(this.dataSource, dialect, tables).afterPropertiesSet();
		this.outbox = new OutboxStore(this.dataSource, dialect, tables, new JsonMapper());
		this.admin = new OutboxAdmin(this.dataSource, tables);
		this.inbox = new InboxStore(this.dataSource, dialect, tables);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		this.jdbc = new JdbcTemplate(this.dataSource);
	}

	@AfterEach
	void close() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void migrationCreatesTheTablesFromAnEmptySchemaAndIsRepeatable(TestDatabase database) {
		open(database);
		new SchemaMigrator(this.dataSource, Database.of(this.dataSource), new OutboxTables("rm_")).afterPropertiesSet();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class)).isZero();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM rm_inbox", Long.class)).isZero();
		MigrationInfo[] applied = Flyway.configure()
			.dataSource(this.dataSource)
			.locations(Database.of(this.dataSource).migrationLocation())
			.table("rm_schema_history")
			.load()
			.info()
			.applied();
		assertThat(applied).extracting((migration) -> migration.getVersion().getVersion()).containsExactly("1", "2");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void insertJoinsTheCallersTransaction(TestDatabase database) {
		open(database);
		this.transactions.executeWithoutResult((status) -> {
			insert("t", null);
			status.setRollbackOnly();
		});
		assertThat(this.admin.countByStatus()).containsEntry(OutboxStatus.PENDING, 0L);
		String id = this.transactions.execute((status) -> insert("t", null));
		assertThat(this.admin.countByStatus()).containsEntry(OutboxStatus.PENDING, 1L);
		OutboxRow row = this.outbox.claim("a", null, 10, NOW, NOW.plusSeconds(30)).get(0);
		assertThat(row.messageId()).isEqualTo(id);
		assertThat(row.headers()).containsEntry("h", "v");
		assertThat(new String(row.payload())).isEqualTo("payload-" + id);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void claimsLeaseRowsUntilTheLeaseRunsOut(TestDatabase database) {
		open(database);
		for (int i = 0; i < 10; i++) {
			insert("t", null);
		}
		assertThat(this.outbox.claim("a", null, 4, NOW, NOW.plusSeconds(30))).hasSize(4);
		assertThat(this.outbox.claim("b", null, 100, NOW, NOW.plusSeconds(30))).hasSize(6);
		assertThat(this.outbox.claim("c", null, 100, NOW, NOW.plusSeconds(30))).isEmpty();
		assertThat(this.outbox.claim("c", null, 100, NOW.plusSeconds(31), NOW.plusSeconds(60))).hasSize(10);
		assertThat(this.outbox.releaseAll("c")).isEqualTo(10);
		assertThat(this.outbox.claim("d", null, 100, NOW, NOW.plusSeconds(30))).hasSize(10);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aClaimPassesOverRowsLockedByAnotherClaimWithoutWaiting(TestDatabase database) throws Exception {
		open(database);
		for (int i = 0; i < 5; i++) {
			insert("t", null);
		}
		try (Connection other = this.dataSource.getConnection(); Statement statement = other.createStatement()) {
			other.setAutoCommit(false);
			statement.executeQuery("SELECT id FROM rm_outbox WHERE id IN (SELECT MIN(id) FROM rm_outbox) FOR UPDATE")
				.close();
			List<OutboxRow> claimed = assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> this.outbox.claim("a", null, 100, NOW, NOW.plusSeconds(30)));
			assertThat(claimed).hasSize(4);
			other.rollback();
		}
		assertThat(this.outbox.claim("b", null, 100, NOW, NOW.plusSeconds(30))).hasSize(1);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void orderedRowsAreClaimedInOrderAndAFailureHoldsBackTheRestOfItsKey(TestDatabase database) {
		open(database);
		List<String> keyed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			keyed.add(insert("t", "customer-1"));
			insert("t", null);
		}
		List<OutboxRow> first = this.outbox.claim("a", null, 100, NOW, NOW.plusSeconds(30));
		assertThat(first).hasSize(10);
		assertThat(first.stream().filter(OutboxRow::ordered).map(OutboxRow::messageId)).containsExactlyElementsOf(keyed);
		OutboxRow head = first.stream().filter(OutboxRow::ordered).findFirst().orElseThrow();
		this.outbox.markFailed(List.of(new FailedRow(head.id(), 1, NOW.plusSeconds(60), false, "boom")));
		this.outbox.release(first.stream().filter((row) -> row.id() != head.id()).map(OutboxRow::id).toList());
		List<OutboxRow> second = this.outbox.claim("b", null, 100, NOW, NOW.plusSeconds(30));
		assertThat(second).hasSize(5).noneMatch(OutboxRow::ordered);
		this.outbox.markSent(second.stream().map((row) -> new SentRow(row.id(), null)).toList(), NOW, false);

		List<OutboxRow> later = this.outbox.claim("c", null, 100, NOW.plusSeconds(61), NOW.plusSeconds(90));
		assertThat(later).extracting(OutboxRow::messageId).containsExactlyElementsOf(keyed);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aDeadRowHoldsBackItsKeyUntilReplayed(TestDatabase database) {
		open(database);
		String first = insert("t", "k");
		String second = insert("t", "k");
		OutboxRow head = this.outbox.claim("a", null, 1, NOW, NOW.plusSeconds(30)).get(0);
		assertThat(head.messageId()).isEqualTo(first);
		this.outbox.markFailed(List.of(new FailedRow(head.id(), 16, NOW, true, "out of attempts")));
		assertThat(this.admin.countByStatus()).containsEntry(OutboxStatus.DEAD, 1L).containsEntry(OutboxStatus.PENDING, 1L);
		assertThat(this.outbox.claim("b", null, 100, NOW.plusSeconds(1), NOW.plusSeconds(30))).isEmpty();

		assertThat(this.admin.replay(List.of(first, second), NOW)).isEqualTo(1);
		List<OutboxRow> replayed = this.outbox.claim("c", null, 100, NOW.plusSeconds(1), NOW.plusSeconds(30));
		assertThat(replayed).extracting(OutboxRow::messageId).containsExactly(first, second);
		assertThat(replayed.get(0).attempts()).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aLongBacklogBehindADeadRowDoesNotStallOtherRows(TestDatabase database) {
		open(database);
		this.transactions.executeWithoutResult((status) -> {
			for (int i = 0; i < 201; i++) {
				insert("t", "blocked");
			}
		});
		OutboxRow head = this.outbox.claim("a", null, 1, NOW, NOW.plusSeconds(30)).get(0);
		this.outbox.markFailed(List.of(new FailedRow(head.id(), 16, NOW, true, "out of attempts")));
		List<String> free = List.of(insert("t", null), insert("t", "other"));
		List<String> claimed = new ArrayList<>();
		for (int poll = 0; poll < 5 && claimed.size() < 2; poll++) {
			this.outbox.claim("b", null, 5, NOW.plusSeconds(1), NOW.plusSeconds(30))
				.forEach((row) -> claimed.add(row.messageId()));
		}
		assertThat(claimed).containsExactlyInAnyOrderElementsOf(free);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aReplayedHeadDoesNotLetLaterRowsOvertakeADeadRowBehindIt(TestDatabase database) {
		open(database);
		String first = insert("t", "k");
		String second = insert("t", "k");
		String third = insert("t", "k");
		List<OutboxRow> claimed = this.outbox.claim("a", null, 10, NOW, NOW.plusSeconds(30));
		assertThat(claimed).extracting(OutboxRow::messageId).containsExactly(first, second, third);
		this.outbox.markFailed(List.of(new FailedRow(claimed.get(0).id(), 16, NOW, true, "dead"),
				new FailedRow(claimed.get(1).id(), 16, NOW, true, "dead")));
		this.outbox.release(List.of(claimed.get(2).id()));

		assertThat(this.admin.replay(List.of(first), NOW)).isEqualTo(1);
		assertThat(this.outbox.claim("b", null, 10, NOW.plusSeconds(1), NOW.plusSeconds(30)))
			.extracting(OutboxRow::messageId).containsExactly(first);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void failedRowsWaitForTheirNextAttempt(TestDatabase database) {
		open(database);
		insert("t", null);
		OutboxRow row = this.outbox.claim("a", null, 1, NOW, NOW.plusSeconds(30)).get(0);
		this.outbox.markFailed(List.of(new FailedRow(row.id(), 1, NOW.plusSeconds(10), false, "x".repeat(5000))));
		assertThat(this.outbox.claim("b", null, 1, NOW.plusSeconds(5), NOW.plusSeconds(30))).isEmpty();
		OutboxRow retried = this.outbox.claim("b", null, 1, NOW.plusSeconds(11), NOW.plusSeconds(30)).get(0);
		assertThat(retried.attempts()).isEqualTo(1);
		assertThat(this.jdbc.queryForObject("SELECT last_error FROM rm_outbox", String.class)).hasSize(1000);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void sentRowsAreDeletedOrKeptForTheRetention(TestDatabase database) {
		open(database);
		insert("t", null);
		insert("t", null);
		List<OutboxRow> rows = this.outbox.claim("a", null, 10, NOW, NOW.plusSeconds(30));
		this.outbox.markSent(List.of(new SentRow(rows.get(0).id(), "broker-1")), NOW, false);
		this.outbox.markSent(List.of(new SentRow(rows.get(1).id(), "broker-2")), NOW, true);
		assertThat(this.admin.countByStatus()).containsEntry(OutboxStatus.SENT, 1L).containsEntry(OutboxStatus.PENDING, 0L);
		assertThat(this.jdbc.queryForObject("SELECT broker_message_id FROM rm_outbox", String.class)).isEqualTo("broker-2");
		assertThat(this.outbox.deleteSentBefore(NOW, 100)).isZero();
		assertThat(this.outbox.deleteSentBefore(NOW.plusSeconds(1), 100)).isEqualTo(1);
		assertThat(this.admin.countByStatus().values()).allMatch((count) -> count == 0);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void operatorsPageReplayAndRemoveDeadRowsAndSeeTheBacklog(TestDatabase database) {
		open(database);
		List<String> dead = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			dead.add(insert((i < 3) ? "orders" : "invoices", null));
		}
		String kept = insert("orders", null);
		String pending = insert("orders", null);
		List<OutboxRow> rows = this.outbox.claim("a", dead, 10, NOW, NOW.plusSeconds(30));
		this.outbox.markFailed(rows.stream().map((row) -> new FailedRow(row.id(), 16, NOW, true, "gone")).toList());
		OutboxRow sent = this.outbox.claim("a", List.of(kept), 10, NOW, NOW.plusSeconds(30)).get(0);
		this.outbox.markSent(List.of(new SentRow(sent.id(), "b-1")), NOW, true);

		OutboxAdmin.Backlog backlog = this.admin.backlog();
		assertThat(backlog.pending()).isEqualTo(1);
		assertThat(backlog.sent()).isEqualTo(1);
		assertThat(backlog.dead()).isEqualTo(5);
		assertThat(backlog.oldestPendingCreatedAt()).isEqualTo(NOW);
		assertThat(this.admin.deadRows(null, 0, 2)).extracting(OutboxAdmin.DeadRow::messageId)
			.containsExactly(dead.get(0), dead.get(1));
		assertThat(this.admin.deadRows(null, 4, 2)).extracting(OutboxAdmin.DeadRow::messageId)
			.containsExactly(dead.get(4));
		assertThat(this.admin.deadRows("invoices", 0, 10)).extracting(OutboxAdmin.DeadRow::messageId)
			.containsExactly(dead.get(3), dead.get(4));
		assertThat(this.admin.deadRows("orders", 0, 1).get(0)).satisfies((row) -> {
			assertThat(row.lastError()).isEqualTo("gone");
			assertThat(row.attempts()).isEqualTo(16);
		});

		assertThat(this.admin.replayDead("invoices", NOW)).isEqualTo(2);
		assertThat(this.admin.replay(List.of(dead.get(0), kept, pending, "no-such-id"), NOW)).isEqualTo(2);
		assertThat(this.admin.removeDead(dead.get(1))).isTrue();
		assertThat(this.admin.removeDead(dead.get(1))).isFalse();
		assertThat(this.admin.removeDead(pending)).isFalse();
		assertThat(this.admin.countByStatus()).containsEntry(OutboxStatus.DEAD, 1L)
			.containsEntry(OutboxStatus.PENDING, 5L)
			.containsEntry(OutboxStatus.SENT, 0L);
		assertThat(this.outbox.claim("b", null, 10, NOW, NOW.plusSeconds(30))).extracting(OutboxRow::attempts)
			.containsOnly(0)
			.hasSize(5);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void fastPathClaimsOnlyTheNamedRows(TestDatabase database) {
		open(database);
		String wanted = insert("t", null);
		insert("t", null);
		assertThat(this.outbox.claim("a", List.of(wanted), 10, NOW, NOW.plusSeconds(30)))
			.extracting(OutboxRow::messageId).containsExactly(wanted);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void inboxRecordsEachMessageOncePerGroup(TestDatabase database) {
		open(database);
		Boolean first = this.transactions.execute((status) -> this.inbox.markProcessed("g", "m1", "t", NOW));
		assertThat(first).isTrue();
		Boolean duplicate = this.transactions.execute((status) -> {
			boolean seen = !this.inbox.markProcessed("g", "m1", "t", NOW);
			// the transaction stays usable after a duplicate
			assertThat(this.inbox.markProcessed("g", "m2", "t", NOW)).isTrue();
			return seen;
		});
		assertThat(duplicate).isTrue();
		Boolean otherGroup = this.transactions.execute((status) -> this.inbox.markProcessed("other", "m1", "t", NOW));
		assertThat(otherGroup).isTrue();
		assertThat(this.inbox.count("g")).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void inboxRowsOlderThanTheWindowAreDeletedInBatches(TestDatabase database) {
		open(database);
		this.transactions.executeWithoutResult((status) -> {
			for (int i = 0; i < 25; i++) {
				this.inbox.markProcessed("g", "old-" + i, "t", NOW.minus(Duration.ofDays(8)));
			}
			this.inbox.markProcessed("g", "new", "t", NOW);
		});
		InboxCleanup cleanup = new InboxCleanup(this.inbox, Duration.ofDays(7), java.time.Clock.fixed(NOW,
				java.time.ZoneOffset.UTC));
		assertThat(this.inbox.deleteProcessedBefore(NOW.minus(Duration.ofDays(7)), 10)).isEqualTo(10);
		assertThat(cleanup.removeExpired()).isEqualTo(15);
		assertThat(this.inbox.count("g")).isEqualTo(1);
	}

	private String insert(String topic, String orderingKey) {
		String id = UUID.randomUUID().toString();
		this.outbox.insert(new NewOutboxRow(id, topic, null, "key-" + id.substring(0, 8), orderingKey, Map.of("h", "v"),
				("payload-" + id).getBytes(), NOW, NOW));
		return id;
	}

}
