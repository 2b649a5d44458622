package dev.reliablemessaging.autoconfigure.outbox;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqAutoConfiguration;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqProperties;
import dev.reliablemessaging.autoconfigure.rocketmq.SendStatusProperties;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases are compared on the database's clock: another relay (on a machine whose clock may run ahead) does not take
 * the rows a live relay holds. The relay reads no clock of its own to compare leases or due times with; the lease
 * and the time it is compared with are both the database's.
 */
class ClockSkewTests {

	@Test
	void anotherRelayDoesNotTakeLiveClaims() {
		String topic = TestContexts.uniqueTopic("skew");
		TestContexts.onSharedBroker()
			.withPropertyValues("reliable-messaging.relay.enabled=false", "reliable-messaging.rocketmq.topics=" + topic)
			.run((context) -> {
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				outbox.publish(topic, 5, 5);
				OutboxClaims claims = context.getBean(OutboxClaims.class);
				assertThat(claims.claimDue("live-relay", 10, Duration.ofSeconds(30)).rows()).hasSize(5);

				OutboxRows rows = context.getBean(OutboxRows.class);
				RelaySettings settings = RelaySettings.from(context.getBean(RelayProperties.class),
						context.getBean(RocketMqProperties.class), context.getBean(SendStatusProperties.class));
				Relay other = new Relay(claims, rows, new ClaimSender(new RocketMqSender(context.getBean(
						RocketMqAutoConfiguration.PRODUCER_BEAN, DefaultMQProducer.class),
						context.getBean(RelayDatabase.class), null), rows, settings,
						MessagingMetrics.none()), settings);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				other.start();
				try {
					await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
						.until(() -> outbox.total() == 5 && jdbc
							.queryForList("SELECT DISTINCT lease_owner FROM rm_outbox", String.class)
							.equals(List.of("live-relay")));
				}
				finally {
					other.stop();
				}
			});
	}

}
