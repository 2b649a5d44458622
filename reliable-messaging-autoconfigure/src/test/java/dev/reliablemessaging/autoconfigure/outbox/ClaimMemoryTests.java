package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.reliablemessaging.autoconfigure.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a claim holds in memory is bounded by the claim, not by the rows it looks at: large payloads of one ordering
 * key are claimed up to the claim's size limit, and the payloads of rows looked at but not claimed are never read.
 */
class ClaimMemoryTests {

	private static final int MEGABYTE = 1024 * 1024;

	@Test
	void aClaimOfLargePayloadsStaysWithinItsSizeLimit() {
		try (StoreFixture store = new StoreFixture(TestDatabase.H2)) {
			byte[] payload = new byte[MEGABYTE];
			store.transactions.executeWithoutResult((status) -> {
				for (int i = 0; i < 40; i++) {
					store.writer.insert(new NewOutboxRow(UUID.randomUUID().toString(), "large", null, null, "one-key",
							Map.of(), payload, Duration.ZERO), store.publishing);
				}
			});
			List<OutboxRow> claimed = store.claimDue("relay", 200);
			long bytes = claimed.stream().mapToLong((row) -> row.payload().length).sum();
			System.out.println("A claim of 40 rows of 1 MB held " + claimed.size() + " rows, " + bytes / MEGABYTE + " MB");
			assertThat(claimed).isNotEmpty();
			assertThat(bytes).isLessThanOrEqualTo(StoreFixture.MAX_CLAIM_BYTES);
			assertThat(claimed).extracting(OutboxRow::id).isSorted();
		}
	}

}
