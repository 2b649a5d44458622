package dev.reliablemessaging.autoconfigure.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.jdbc.JdbcValues;
import dev.reliablemessaging.autoconfigure.outbox.OutboxRows.FailedRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Keys, ids, groups and topics compare exactly on every database: case, accents, trailing spaces and length all
 * count, a key is held back on its own topic only, and nothing the relay asks waits for a business transaction.
 */
class ExactComparisonTests {

	private StoreFixture store;

	@AfterEach
	void close() {
		if (this.store != null) {
			this.store.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void orderingKeysThatDifferOnlyInCaseOrAccentsAreDifferentKeys(TestDatabase database) {
		this.store = new StoreFixture(database);
		List<String> keys = List.of("Order-1", "order-1", "ORDER-1", "ordér-1", "order-1\u00a0");
		keys.forEach((key) -> this.store.insert("t", key));
		List<OutboxRow> heads = this.store.claimDue("a", 100);
		assertThat(heads).extracting(OutboxRow::orderingKey).containsExactlyInAnyOrderElementsOf(keys);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aDeadRowHoldsBackItsKeyOnItsOwnTopicOnly(TestDatabase database) {
		this.store = new StoreFixture(database);
		this.store.insert("payments", "customer-7");
		OutboxRow head = this.store.claimDue("a", 1).get(0);
		this.store.rows.markFailed(List.of(new FailedRow(head.id(), 16, 16, Duration.ZERO, OutboxStatus.DEAD, "refused")));
		String other = this.store.insert("invoices", "customer-7");
		assertThat(this.store.claimDue("b", 10)).extracting(OutboxRow::messageId).containsExactly(other);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void inboxKeysAndGroupsCompareExactlyWhateverTheirLengthOrCharacters(TestDatabase database) {
		this.store = new StoreFixture(database);
		String longKey = "k".repeat(300);
		List<String> messageIds = List.of("ab", "AB", "ab ", "áb", "a\u0000b", "a\uD800b", "a\uDBFFb", longKey + "1",
				longKey + "2", "~" + longKey);
		List<String> groups = List.of("warehouse", "Warehouse", "warehouse ", "g".repeat(300) + "1",
				"g".repeat(300) + "2", "com.example.Billing#on(MessageExt)");
		for (String group : groups) {
			for (String messageId : messageIds) {
				assertThat(this.store.markProcessed(group, messageId)).as("first of %s / %s", group, messageId)
					.isTrue();
			}
		}
		for (String group : groups) {
			for (String messageId : messageIds) {
				assertThat(this.store.markProcessed(group, messageId)).as("again %s / %s", group, messageId)
					.isFalse();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aClaimDoesNotWaitForABusinessTransactionThatIsStillWritingAKey(TestDatabase database) throws Exception {
		this.store = new StoreFixture(database);
		String head = this.store.insert("t", "busy-key");
		try (Connection business = this.store.dataSource().getConnection()) {
			business.setAutoCommit(false);
			// written without the ordering lock, as no writer of the starter would: a row of the key in the middle of
			// the key's committed rows, uncommitted (MySQL's locking reads would wait for it)
			try (PreparedStatement insert = business.prepareStatement("INSERT INTO rm_outbox (message_id, topic, "
					+ "ordering_key, payload, status, attempts, refusals, next_attempt_at, created_at) "
					+ "VALUES (?, 't', 'busy-key', ?, 'PENDING', 0, 0, ?, ?)")) {
				Object past = JdbcValues.timestamp(this.store.relayDatabase.now().minusSeconds(1));
				insert.setString(1, UUID.randomUUID().toString());
				insert.setBytes(2, "later".getBytes());
				insert.setObject(3, past);
				insert.setObject(4, past);
				insert.executeUpdate();
			}
			this.store.insert("t", "busy-key");
			List<OutboxRow> claimed = assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> this.store.claimDue("a", 10), "a claim waited for a business transaction's lock");
			assertThat(claimed).extracting(OutboxRow::messageId).startsWith(head);
			business.rollback();
		}
	}

}
