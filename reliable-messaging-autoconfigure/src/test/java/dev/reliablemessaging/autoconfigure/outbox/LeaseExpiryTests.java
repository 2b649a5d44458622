package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rows claimed by a relay that then stops without sending are sent by another relay once the lease runs out.
 */
class LeaseExpiryTests {

	@Test
	void rowsOfARelayThatDiedAfterClaimingAreSentAfterTheLease() {
		String topic = TestContexts.uniqueTopic("lease");
		String database = TestContexts.h2Url();
		TestContexts.onSharedBroker()
			.withPropertyValues("spring.datasource.url=" + database, "reliable-messaging.relay.enabled=false",
					"reliable-messaging.rocketmq.topics=" + topic)
			.run((crashed) -> {
				OutboxTableProbe outbox = new OutboxTableProbe(crashed);
				List<String> published = outbox.publish(topic, 10, 10);
				Instant leaseUntil = Instant.now().plusSeconds(3);
				List<OutboxRow> claimed = crashed.getBean(OutboxClaims.class)
					.claimDue("crashed-relay", 100, Duration.ofSeconds(3))
					.rows();
				assertThat(claimed).hasSize(10);
				assertThat(outbox.rows()).allSatisfy((row) -> {
					assertThat(row.get("lease_owner")).isEqualTo("crashed-relay");
					assertThat(row.get("status")).isEqualTo("PENDING");
				});

				try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
					TestContexts.onSharedBroker().withPropertyValues("spring.datasource.url=" + database).run((next) -> {
						assertThat(next).hasNotFailed();
						try {
							await().atMost(Duration.ofSeconds(60))
								.until(() -> probe.countsByMessageId().keySet().containsAll(published));
						}
						catch (ConditionTimeoutException ex) {
							throw new AssertionError("rows " + outbox.rows() + "; probe " + probe.describe(), ex);
						}
						assertThat(new HashSet<>(probe.countsByMessageId().keySet())).isEqualTo(new HashSet<>(published));
						assertThat(probe.received())
							.allSatisfy((message) -> assertThat(message.getBornTimestamp())
								.isGreaterThanOrEqualTo(leaseUntil.toEpochMilli()));
					});
				}
			});
	}

}
