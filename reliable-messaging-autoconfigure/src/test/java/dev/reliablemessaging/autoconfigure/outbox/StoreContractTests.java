package dev.reliablemessaging.autoconfigure.outbox;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.consumer.InboxCleanup;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.jdbc.SchemaMigrator;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRows.FailedRow;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRows.SentRow;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.transaction.IllegalTransactionStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The outbox and inbox stores, written once and run against H2, PostgreSQL and MariaDB.
 */
class StoreContractTests {

	private StoreFixture store;

	private void open(TestDatabase database) {
		this.store = new StoreFixture(database);
	}

	@AfterEach
	void close() {
		if (this.store != null) {
			this.store.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void migrationCreatesTheTablesFromAnEmptySchemaAndIsRepeatable(TestDatabase database) {
		open(database);
		new SchemaMigrator(this.store.dataSource(), this.store.dialect, this.store.tables).afterPropertiesSet();
		assertThat(this.store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class)).isZero();
		assertThat(this.store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_inbox", Long.class)).isZero();
		assertThat(this.store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_ordering_key_lock", Long.class)).isZero();
		assertThat(this.store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_parked", Long.class)).isZero();
		assertThat(this.store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_topic_queues", Long.class)).isZero();
		MigrationInfo[] applied = Flyway.configure()
			.dataSource(this.store.dataSource())
			.locations(this.store.dialect.migrationLocation())
			.table("rm_schema_history")
			.load()
			.info()
			.applied();
		assertThat(applied).extracting((migration) -> migration.getVersion().getVersion())
			.containsExactly("1", "2", "3");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void insertJoinsTheCallersTransactionAndRefusesToRunWithoutOne(TestDatabase database) {
		open(database);
		this.store.transactions.executeWithoutResult((status) -> {
			this.store.insertInCurrentTransaction("rolled-back", "t", null);
			status.setRollbackOnly();
		});
		assertThat(this.store.admin.countByStatus()).containsEntry(OutboxStatus.PENDING, 0L);
		assertThatThrownBy(() -> this.store.insertInCurrentTransaction("no-transaction", "t", null))
			.isInstanceOf(IllegalTransactionStateException.class)
			.hasMessageContaining("without an active transaction");
		String id = this.store.insert("t", null);
		assertThat(this.store.admin.countByStatus()).containsEntry(OutboxStatus.PENDING, 1L);
		OutboxRow row = this.store.claimDue("a", 10).get(0);
		assertThat(row.messageId()).isEqualTo(id);
		assertThat(row.headers()).containsEntry("h", "v");
		assertThat(new String(row.payload())).isEqualTo("payload-" + id);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void claimsLeaseRowsUntilTheLeaseRunsOut(TestDatabase database) {
		open(database);
		for (int i = 0; i < 10; i++) {
			this.store.insert("t", null);
		}
		assertThat(this.store.claimDue("a", 4)).hasSize(4);
		assertThat(this.store.claimDue("b", 100)).hasSize(6);
		assertThat(this.store.claimDue("c", 100)).isEmpty();
		this.store.expireLeases();
		assertThat(this.store.claimDue("c", 100)).hasSize(10);
		assertThat(this.store.rows.releaseAll("c")).isEqualTo(10);
		assertThat(this.store.claimDue("d", 100)).hasSize(10);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aClaimPassesOverRowsLockedByAnotherClaimWithoutWaiting(TestDatabase database) throws Exception {
		open(database);
		for (int i = 0; i < 5; i++) {
			this.store.insert("t", null);
		}
		try (Connection other = this.store.dataSource().getConnection(); Statement statement = other.createStatement()) {
			other.setAutoCommit(false);
			statement.executeQuery("SELECT id FROM rm_outbox WHERE id IN (SELECT MIN(id) FROM rm_outbox) FOR UPDATE")
				.close();
			List<OutboxRow> claimed = assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> this.store.claimDue("a", 100));
			assertThat(claimed).hasSize(4);
			other.rollback();
		}
		assertThat(this.store.claimDue("b", 100)).hasSize(1);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void orderedRowsAreClaimedInOrderAndAFailureHoldsBackTheRestOfItsKey(TestDatabase database) {
		open(database);
		List<String> keyed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			keyed.add(this.store.insert("t", "customer-1"));
			this.store.insert("t", null);
		}
		List<OutboxRow> first = this.store.claimDue("a", 100);
		assertThat(first).hasSize(10);
		assertThat(first.stream().filter(OutboxRow::ordered).map(OutboxRow::messageId)).containsExactlyElementsOf(keyed);
		OutboxRow head = first.stream().filter(OutboxRow::ordered).findFirst().orElseThrow();
		this.store.rows.markFailed(List.of(new FailedRow(head.id(), 1, 0, Duration.ofMinutes(1), OutboxStatus.RETRYING, "boom")));
		this.store.rows.release(first.stream().filter((row) -> row.id() != head.id()).map(OutboxRow::id).toList());
		List<OutboxRow> second = this.store.claimDue("b", 100);
		assertThat(second).hasSize(5).noneMatch(OutboxRow::ordered);
		this.store.rows.markSent(second.stream().map((row) -> new SentRow(row.id(), null)).toList(), false);

		this.store.makeDue();
		List<OutboxRow> later = this.store.claimDue("c", 100);
		assertThat(later).extracting(OutboxRow::messageId).containsExactlyElementsOf(keyed);
		assertThat(later.get(0).attempts()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aDeadRowHoldsBackItsKeyUntilReplayed(TestDatabase database) {
		open(database);
		String first = this.store.insert("t", "k");
		String second = this.store.insert("t", "k");
		OutboxRow head = this.store.claimDue("a", 1).get(0);
		assertThat(head.messageId()).isEqualTo(first);
		this.store.rows.markFailed(List.of(new FailedRow(head.id(), 16, 16, Duration.ZERO, OutboxStatus.DEAD, "out of attempts")));
		assertThat(this.store.admin.countByStatus()).containsEntry(OutboxStatus.DEAD, 1L)
			.containsEntry(OutboxStatus.PENDING, 1L);
		assertThat(this.store.claimDue("b", 100)).isEmpty();

		assertThat(this.store.admin.replay(List.of(first, second), false)).isEqualTo(1);
		List<OutboxRow> replayed = this.store.claimDue("c", 100);
		assertThat(replayed).extracting(OutboxRow::messageId).containsExactly(first, second);
		assertThat(replayed.get(0).attempts()).isZero();
		assertThat(replayed.get(0).refusals()).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aLongBacklogBehindADeadRowDoesNotStallOtherRows(TestDatabase database) {
		open(database);
		this.store.transactions.executeWithoutResult((status) -> {
			for (int i = 0; i < 201; i++) {
				this.store.insertInCurrentTransaction("blocked-" + i, "t", "blocked");
			}
		});
		OutboxRow head = this.store.claimDue("a", 1).get(0);
		this.store.rows.markFailed(List.of(new FailedRow(head.id(), 16, 16, Duration.ZERO, OutboxStatus.DEAD, "out of attempts")));
		this.store.expireLeases();
		List<String> free = List.of(this.store.insert("t", null), this.store.insert("t", "other"));
		List<String> claimed = new ArrayList<>();
		for (int poll = 0; poll < 5 && claimed.size() < 2; poll++) {
			this.store.claimDue("b", 5).forEach((row) -> claimed.add(row.messageId()));
		}
		assertThat(claimed).containsExactlyInAnyOrderElementsOf(free);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aReplayedHeadDoesNotLetLaterRowsOvertakeADeadRowBehindIt(TestDatabase database) {
		open(database);
		String first = this.store.insert("t", "k");
		String second = this.store.insert("t", "k");
		String third = this.store.insert("t", "k");
		List<OutboxRow> claimed = this.store.claimDue("a", 10);
		assertThat(claimed).extracting(OutboxRow::messageId).containsExactly(first, second, third);
		this.store.rows.markFailed(List.of(new FailedRow(claimed.get(0).id(), 16, 16, Duration.ZERO, OutboxStatus.DEAD, "dead"),
				new FailedRow(claimed.get(1).id(), 16, 16, Duration.ZERO, OutboxStatus.DEAD, "dead")));
		this.store.rows.release(List.of(claimed.get(2).id()));

		assertThat(this.store.admin.replay(List.of(first), false)).isEqualTo(1);
		assertThat(this.store.claimDue("b", 10)).extracting(OutboxRow::messageId).containsExactly(first);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void failedRowsWaitForTheirNextAttemptByTheDatabasesClock(TestDatabase database) {
		open(database);
		this.store.insert("t", null);
		OutboxRow row = this.store.claimDue("a", 1).get(0);
		this.store.rows.markFailed(List.of(new FailedRow(row.id(), 1, 0, Duration.ofMinutes(10), OutboxStatus.RETRYING,
				"x".repeat(5000))));
		assertThat(this.store.claimDue("b", 1)).isEmpty();
		this.store.makeDue();
		OutboxRow retried = this.store.claimDue("b", 1).get(0);
		assertThat(retried.attempts()).isEqualTo(1);
		assertThat(this.store.jdbc.queryForObject("SELECT last_error FROM rm_outbox", String.class)).hasSize(1000);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void sentRowsAreDeletedOrKeptForTheRetention(TestDatabase database) {
		open(database);
		this.store.insert("t", null);
		this.store.insert("t", null);
		List<OutboxRow> rows = this.store.claimDue("a", 10);
		this.store.rows.markSent(List.of(new SentRow(rows.get(0).id(), "broker-1")), false);
		this.store.rows.markSent(List.of(new SentRow(rows.get(1).id(), "broker-2")), true);
		assertThat(this.store.admin.countByStatus()).containsEntry(OutboxStatus.SENT, 1L)
			.containsEntry(OutboxStatus.PENDING, 0L);
		assertThat(this.store.jdbc.queryForObject("SELECT broker_message_id FROM rm_outbox", String.class))
			.isEqualTo("broker-2");
		assertThat(this.store.rows.deleteSentBefore(Duration.ofHours(1), 100)).isZero();
		this.store.jdbc.update("UPDATE rm_outbox SET sent_at = ?",
				JdbcValues.timestamp(this.store.relayDatabase.now().minus(Duration.ofHours(2))));
		assertThat(this.store.rows.deleteSentBefore(Duration.ofHours(1), 100)).isEqualTo(1);
		assertThat(this.store.admin.countByStatus().values()).allMatch((count) -> count == 0);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void operatorsPageReplayAndRemoveDeadRowsAndSeeTheBacklog(TestDatabase database) {
		open(database);
		List<String> dead = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			dead.add(this.store.insert((i < 3) ? "orders" : "invoices", null));
		}
		String kept = this.store.insert("orders", null);
		String pending = this.store.insert("orders", null);
		List<OutboxRow> rows = this.store.claimWritten("a", dead, 10);
		this.store.rows.markFailed(
				rows.stream().map((row) -> new FailedRow(row.id(), 16, 16, Duration.ZERO, OutboxStatus.DEAD, "gone")).toList());
		OutboxRow sent = this.store.claimWritten("a", List.of(kept), 10).get(0);
		this.store.rows.markSent(List.of(new SentRow(sent.id(), "b-1")), true);

		OutboxAdmin.Backlog backlog = this.store.admin.backlog();
		assertThat(backlog.pending()).isEqualTo(1);
		assertThat(backlog.sent()).isEqualTo(1);
		assertThat(backlog.dead()).isEqualTo(5);
		assertThat(backlog.longestWait()).isBetween(Duration.ZERO, Duration.ofMinutes(1));
		assertThat(this.store.admin.deadRows(null, 0, 2)).extracting(OutboxAdmin.DeadRow::messageId)
			.containsExactly(dead.get(0), dead.get(1));
		assertThat(this.store.admin.deadRows(null, 4, 2)).extracting(OutboxAdmin.DeadRow::messageId)
			.containsExactly(dead.get(4));
		assertThat(this.store.admin.deadRows("invoices", 0, 10)).extracting(OutboxAdmin.DeadRow::messageId)
			.containsExactly(dead.get(3), dead.get(4));
		assertThat(this.store.admin.deadRows("orders", 0, 1).get(0)).satisfies((row) -> {
			assertThat(row.lastError()).isEqualTo("gone");
			assertThat(row.attempts()).isEqualTo(16);
		});

		assertThat(this.store.admin.replayDead("invoices", false)).isEqualTo(2);
		assertThat(this.store.admin.replay(List.of(dead.get(0), kept, pending, "no-such-id"), false)).isEqualTo(2);
		assertThat(this.store.admin.removeDead(dead.get(1))).isTrue();
		assertThat(this.store.admin.removeDead(dead.get(1))).isFalse();
		assertThat(this.store.admin.removeDead(pending)).isFalse();
		assertThat(this.store.admin.countByStatus()).containsEntry(OutboxStatus.DEAD, 1L)
			.containsEntry(OutboxStatus.PENDING, 5L)
			.containsEntry(OutboxStatus.SENT, 0L);
		this.store.expireLeases();
		assertThat(this.store.claimDue("b", 10)).extracting(OutboxRow::attempts).containsOnly(0).hasSize(5);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void theFastPathClaimsOnlyTheNamedRows(TestDatabase database) {
		open(database);
		String wanted = this.store.insert("t", null);
		this.store.insert("t", null);
		assertThat(this.store.claimWritten("a", List.of(wanted), 10)).extracting(OutboxRow::messageId)
			.containsExactly(wanted);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void inboxRecordsEachMessageOncePerGroup(TestDatabase database) {
		open(database);
		assertThat(this.store.markProcessed("g", "m1")).isTrue();
		Boolean duplicate = this.store.transactions.execute((status) -> {
			boolean seen = !this.store.inbox.markProcessed("g", "m1", "t");
			// the transaction stays usable after a duplicate
			assertThat(this.store.inbox.markProcessed("g", "m2", "t")).isTrue();
			return seen;
		});
		assertThat(duplicate).isTrue();
		assertThat(this.store.markProcessed("other", "m1")).isTrue();
		assertThat(this.store.inbox.count("g")).isEqualTo(2);
		assertThat(this.store.inbox.processed("g", "m2")).isTrue();
		assertThat(this.store.inbox.processed("g", "m3")).isFalse();
		assertThatThrownBy(() -> this.store.inbox.markProcessed("g", "m3", "t"))
			.isInstanceOf(IllegalTransactionStateException.class);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void inboxRowsOlderThanTheWindowAreDeletedInBatches(TestDatabase database) {
		open(database);
		this.store.transactions.executeWithoutResult((status) -> {
			for (int i = 0; i < 25; i++) {
				this.store.inbox.markProcessed("g", "old-" + i, "t");
			}
			this.store.inbox.markProcessed("g", "new", "t");
		});
		for (int i = 0; i < 25; i++) {
			this.store.ageInboxRow("old-" + i, Duration.ofDays(8));
		}
		InboxCleanup cleanup = new InboxCleanup(this.store.inbox, Duration.ofDays(7));
		assertThat(this.store.inbox.deleteProcessedBefore(Duration.ofDays(7), 10)).isEqualTo(10);
		assertThat(cleanup.removeExpired()).isEqualTo(15);
		assertThat(this.store.inbox.count("g")).isEqualTo(1);
	}

}
