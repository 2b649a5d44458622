package dev.reliablemessaging.autoconfigure.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.reliablemessaging.autoconfigure.BrokerProbe;
import dev.reliablemessaging.autoconfigure.OutboxTableProbe;
import dev.reliablemessaging.autoconfigure.SharedBroker;
import dev.reliablemessaging.autoconfigure.TestContexts;
import dev.reliablemessaging.autoconfigure.TestDatabase;
import dev.reliablemessaging.autoconfigure.TestOrders;
import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import dev.reliablemessaging.autoconfigure.support.MessagingMetrics;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqProperties;
import dev.reliablemessaging.autoconfigure.rocketmq.SendStatusProperties;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The relay on PostgreSQL and MariaDB: many relays at once, connections killed mid-claim, and rollback.
 */
class ProductionDatabaseTests {

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void closeResources() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void fourRelaysDrainTenThousandRowsOfAHundredKeysInOrder(TestDatabase database) throws Exception {
		int keys = 100;
		int perKey = 100;
		String url = database.freshSchemaUrl();
		String topic = TestContexts.uniqueTopic("four-relays");
		Instance first = instance(database, url);
		first.provision(topic);
		Map<String, String> keyByMessageId = new HashMap<>();
		TransactionTemplate transactions = first.store.transactions;
		for (int seq = 0; seq < perKey; seq += 10) {
			int from = seq;
			transactions.executeWithoutResult((status) -> {
				for (int s = from; s < from + 10; s++) {
					for (int k = 0; k < keys; k++) {
						String id = UUID.randomUUID().toString();
						keyByMessageId.put(id, "k" + k);
						first.store.writer.insert(new NewOutboxRow(id, topic, null, "k" + k + ":" + s, "k" + k,
								Map.of(), ("k" + k + ":" + s).getBytes(StandardCharsets.UTF_8), Duration.ZERO), first.store.publishing);
					}
				}
			});
		}
		try (BrokerProbe probe = BrokerProbe.consumeOrderly(SharedBroker.nameServer(), topic)) {
			List<Instance> relays = List.of(first, instance(database, url), instance(database, url),
					instance(database, url));
			long start = System.nanoTime();
			relays.forEach((relay) -> relay.relay.start());
			await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
				.until(() -> probe.countsByMessageId().size() == keys * perKey);
			double seconds = (System.nanoTime() - start) / 1e9;
			relays.forEach((relay) -> relay.relay.stop());

			Map<String, Long> counts = probe.countsByMessageId();
			long sentTwice = counts.values().stream().filter((count) -> count > 1).count();
			System.out.printf("%s: four relays drained %d rows of %d keys in %.1f s (%.0f rows/s); sent twice: %d%n",
					database, keys * perKey, keys, seconds, keys * perKey / seconds, sentTwice);
			assertThat(counts.keySet()).isEqualTo(keyByMessageId.keySet());
			Map<String, Integer> lastSeqByKey = new HashMap<>();
			Set<String> seen = new HashSet<>();
			for (MessageExt message : probe.received()) {
				if (!seen.add(message.getUserProperty(MessageHeaders.MESSAGE_ID))) {
					continue;
				}
				String[] keyAndSeq = message.getUserProperty(MessageHeaders.KEY).split(":");
				int seq = Integer.parseInt(keyAndSeq[1]);
				Integer last = lastSeqByKey.put(keyAndSeq[0], seq);
				assertThat(seq).as("sequence of " + keyAndSeq[0]).isEqualTo((last == null) ? 0 : last + 1);
			}
			assertThat(lastSeqByKey).hasSize(keys).allSatisfy((key, last) -> assertThat(last).isEqualTo(perKey - 1));
			assertThat(first.store.jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class)).isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void rowsOfAConnectionKilledMidClaimOrAfterItAreNotStranded(TestDatabase database) throws Exception {
		String url = database.freshSchemaUrl();
		String topic = TestContexts.uniqueTopic("killed");
		Instance relay = instance(database, url);
		relay.provision(topic);
		TransactionTemplate transactions = relay.store.transactions;
		List<String> midClaim = insert(relay, transactions, topic, 10);

		try (BrokerProbe probe = BrokerProbe.consume(SharedBroker.nameServer(), topic)) {
			Connection doomed = relay.store.dataSource.getConnection();
			// a claim that has locked and leased the rows but not committed when its connection dies
			doomed.setAutoCommit(false);
			try (Statement statement = doomed.createStatement()) {
				statement.executeQuery("SELECT id FROM rm_outbox WHERE status = 'PENDING' FOR UPDATE").close();
				statement.executeUpdate("UPDATE rm_outbox SET lease_owner = 'doomed' WHERE status = 'PENDING'");
			}
			long backend = backendId(database, doomed);
			relay.relay.start();
			relay.relay.poll();
			assertThat(probe.received()).isEmpty();
			kill(database, relay.store.dataSource, backend);
			relay.store.dataSource.evictConnection(doomed);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> probe.countsByMessageId().keySet().containsAll(midClaim));

			// a relay that committed its lease and then lost its connection: the rows wait for the lease
			relay.relay.stop();
			List<String> leased = insert(relay, transactions, topic, 10);
			Instant leaseUntil = Instant.now().plusSeconds(3);
			Instance crashed = instance(database, url);
			assertThat(crashed.store.claims.claimDue("crashed", 100, Duration.ofSeconds(3)).rows()).hasSize(10);
			crashed.store.close();
			Instance survivor = instance(database, url);
			survivor.relay.start();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> probe.countsByMessageId().keySet().containsAll(leased));
			assertThat(probe.received().stream()
				.filter((message) -> leased.contains(message.getUserProperty(MessageHeaders.MESSAGE_ID))))
				.allSatisfy((message) -> assertThat(message.getBornTimestamp())
					.isGreaterThanOrEqualTo(leaseUntil.toEpochMilli()));
		}
	}

	@ParameterizedTest
	@EnumSource(value = TestDatabase.class, names = { "POSTGRESQL", "MARIADB" })
	void aBusinessTransactionThatFailsAfterReliablePublishLeavesNoRow(TestDatabase database) {
		String url = database.freshSchemaUrl();
		TestContexts.onSharedBroker()
			.withUserConfiguration(TestOrders.Config.class)
			.withPropertyValues(database.springProperties(url))
			.withPropertyValues("test.topic=" + TestContexts.uniqueTopic("rollback"),
					"reliable-messaging.relay.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestOrders orders = context.getBean(TestOrders.class);
				OutboxTableProbe outbox = new OutboxTableProbe(context);
				assertThatThrownBy(() -> orders.placeThenFail("rolled-back")).isInstanceOf(IllegalStateException.class);
				assertThat(outbox.total()).isZero();
				assertThat(orders.orderCount()).isZero();
				orders.place("committed");
				assertThat(outbox.total()).isEqualTo(1);
				assertThat(orders.orderCount()).isEqualTo(1);
			});
	}

	private List<String> insert(Instance instance, TransactionTemplate transactions, String topic, int count) {
		List<String> ids = new ArrayList<>();
		transactions.executeWithoutResult((status) -> {
			for (int i = 0; i < count; i++) {
				String id = UUID.randomUUID().toString();
				ids.add(id);
				instance.store.writer.insert(new NewOutboxRow(id, topic, null, null, null, Map.of(), id.getBytes(),
						Duration.ZERO), instance.store.publishing);
			}
		});
		return ids;
	}

	private static long backendId(TestDatabase database, Connection connection) throws Exception {
		String query = (database == TestDatabase.POSTGRESQL) ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static void kill(TestDatabase database, javax.sql.DataSource dataSource, long backend) {
		JdbcTemplate admin = new JdbcTemplate(dataSource);
		if (database == TestDatabase.POSTGRESQL) {
			admin.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, (int) backend);
		}
		else {
			admin.execute("KILL " + backend);
		}
	}

	private Instance instance(TestDatabase database, String url) throws Exception {
		StoreFixture store = new StoreFixture(url, database.user(), database.password(), Duration.ofSeconds(10));
		this.resources.add(store);
		DefaultMQProducer producer = new DefaultMQProducer("relay-" + UUID.randomUUID().toString().substring(0, 8));
		producer.setNamesrvAddr(SharedBroker.nameServer());
		producer.setInstanceName("relay-" + UUID.randomUUID());
		producer.start();
		this.resources.add(producer::shutdown);
		RelayProperties properties = new RelayProperties();
		properties.setPollInterval(Duration.ofMillis(100));
		properties.setLease(Duration.ofSeconds(30));
		RelaySettings settings = RelaySettings.from(properties, new RocketMqProperties(), new SendStatusProperties());
		Relay relay = new Relay(store.claims, store.rows,
				new ClaimSender(new RocketMqSender(producer, store.relayDatabase, null), store.rows, settings, MessagingMetrics.none()), settings);
		this.resources.add(relay::stop);
		return new Instance(store, relay, producer);
	}

	private record Instance(StoreFixture store, Relay relay, DefaultMQProducer producer) {

		void provision(String topic) {
			SharedBroker.createTopic(topic, 8);
		}

	}

}
