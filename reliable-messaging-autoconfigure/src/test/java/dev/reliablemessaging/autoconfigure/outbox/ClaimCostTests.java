package dev.reliablemessaging.autoconfigure.outbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import dev.reliablemessaging.autoconfigure.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim stays cheap as the table grows: with 1,000,000 retained SENT rows on PostgreSQL the claim uses an index,
 * and the benchmark prints the claim time at 1,000 and at 1,000,000 rows.
 */
class ClaimCostTests {

	private static final int PENDING = 1_000;

	private static final int SENT = 1_000_000;

	private static StoreFixture store;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void createTable() {
		store = new StoreFixture(TestDatabase.POSTGRESQL);
		jdbc = store.jdbc;
		fill("PENDING", PENDING, "(now() at time zone 'UTC') - interval '1 minute'");
	}

	@AfterAll
	static void close() {
		if (store != null) {
			store.close();
		}
	}

	@Test
	void theClaimUsesAnIndexWithAMillionSentRows() {
		ensureSentRows();
		String window = plan("SELECT o.id FROM rm_outbox o WHERE o.status = 'PENDING' AND o.next_attempt_at <= now() "
				+ "AND (o.lease_until IS NULL OR o.lease_until < now()) ORDER BY o.id LIMIT 400");
		System.out.println("Claim window plan with " + SENT + " SENT rows:\n" + window);
		assertThat(window).contains("Index").doesNotContain("Seq Scan");
		assertThat(store.claimDue("explain", 200)).hasSize(200);
		assertThat(store.rows.releaseAll("explain")).isEqualTo(200);
	}

	@Test
	@Tag("benchmark")
	void claimTimeAtAThousandAndAtAMillionRows() {
		double small = medianClaimMillis();
		ensureSentRows();
		double large = medianClaimMillis();
		System.out.printf("%nClaim of 200 rows on PostgreSQL (median of 20): %.2f ms with %,d rows in the table, "
				+ "%.2f ms with %,d rows%n%n", small, PENDING, large, PENDING + SENT);
	}

	private static double medianClaimMillis() {
		List<Double> times = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			long start = System.nanoTime();
			List<OutboxRow> rows = store.claimDue("bench", 200);
			long took = System.nanoTime() - start;
			assertThat(rows).hasSize(200);
			store.rows.releaseAll("bench");
			if (i >= 5) {
				times.add(took / 1e6);
			}
		}
		Collections.sort(times);
		return times.get(times.size() / 2);
	}

	private static synchronized void ensureSentRows() {
		Long sent = jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox WHERE status = 'SENT'", Long.class);
		if (sent == 0) {
			fill("SENT", SENT, "(now() at time zone 'UTC') - interval '1 day'");
		}
	}

	private static void fill(String status, int count, String at) {
		jdbc.execute("INSERT INTO rm_outbox (message_id, topic, message_key, payload, status, attempts, next_attempt_at, "
				+ "created_at, sent_at) SELECT gen_random_uuid()::text, 'bench', 'k' || g, convert_to('payload ' || g, 'UTF8'), '"
				+ status + "', 0, " + at + ", " + at + ", " + ("SENT".equals(status) ? at : "NULL")
				+ " FROM generate_series(1, " + count + ") g");
		jdbc.execute("ANALYZE rm_outbox");
	}

	private static String plan(String query) {
		return jdbc.queryForList("EXPLAIN " + query, String.class).stream().collect(Collectors.joining("\n"));
	}

}
