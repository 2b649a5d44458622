package dev.reliablemessaging.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

import dev.reliablemessaging.autoconfigure.consumer.InboxStore;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import dev.reliablemessaging.autoconfigure.rocketmq.BrokerDurabilityAudit;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.junit.jupiter.api.Test;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RocketMQ 5's controller mode: one broker group of two replicas and a controller that elects the master. Orders
 * placed while the master stops and the controller elects the other replica are sent once the new master is
 * routable, and each is handled once; the durability audit reads the group's in-sync settings.
 */
class ControllerFailoverTests {

	private static final int BEFORE = 20;

	private static final int DURING = 60;

	@Test
	void sendsDuringAFailoverAreRetriedUntilTheNewMasterTakesThemAndEachIsHandledOnce() {
		String topic = TestContexts.uniqueTopic("failover");
		String group = TestContexts.uniqueTopic("failover-group");
		try (EmbeddedRocketMq cluster = new EmbeddedRocketMq(
				EmbeddedBrokerSettings.of(SharedBroker.tempDir("controller")).withControllerMode()).start()) {
			await("one elected master").atMost(Duration.ofSeconds(30)).until(() -> cluster.masters().size() == 1);
			String oldMaster = cluster.masters().get(0);
			cluster.createTopic(topic, 4);
			TestContexts.runner()
				.withUserConfiguration(TestOrders.Config.class, TestWarehouse.ConcurrentConfig.class)
				.withPropertyValues("reliable-messaging.rocketmq.name-server=" + cluster.nameServerAddress(),
						"reliable-messaging.rocketmq.route-refresh-interval=1s",
						"reliable-messaging.relay.poll-interval=100ms", "reliable-messaging.relay.backoff.initial=100ms",
						"reliable-messaging.relay.backoff.max=1s", "reliable-messaging.relay.max-attempts=1000",
						"test.topic=" + topic, "test.group=" + group)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					// both replicas acknowledge only what the whole in-sync set has: no risk, one note
					BrokerDurabilityAudit audit = context.getBean(BrokerDurabilityAudit.class);
					await("both replicas listed").atMost(Duration.ofSeconds(30)).until(() -> audit.audit().size() == 2);
					assertThat(audit.audit()).allSatisfy((broker) -> {
						assertThat(broker.replication()).isEqualTo("controller, allAckInSyncStateSet=true, "
								+ "minInSyncReplicas=1");
						assertThat(broker.risk()).isNull();
						assertThat(broker.note()).contains("minInSyncReplicas=2 refuses those writes");
					});
					TestWarehouse warehouse = context.getBean(TestWarehouse.class);
					TestOrders orders = context.getBean(TestOrders.class);
					for (int i = 0; i < BEFORE; i++) {
						orders.place("before-" + i);
					}
					await().atMost(Duration.ofSeconds(60)).until(() -> warehouse.reservations() == BEFORE);

					// orders keep coming while the master stops and the controller elects the other replica
					CompletableFuture<Void> placing = CompletableFuture.runAsync(() -> {
						for (int i = 0; i < DURING; i++) {
							orders.place("during-" + i);
							LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // an offered rate, not a wait
						}
					});
					cluster.stopBroker(oldMaster);
					await("a new master").atMost(Duration.ofSeconds(60))
						.until(() -> cluster.masters().size() == 1 && !cluster.masters().contains(oldMaster));
					placing.join();

					JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
					await("every order handled").atMost(Duration.ofSeconds(120))
						.until(() -> warehouse.reservations() == BEFORE + DURING);
					await("outbox drained").atMost(Duration.ofSeconds(30))
						.until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class) == 0);
					assertThat(context.getBean(InboxStore.class).count(group)).isEqualTo(BEFORE + DURING);
					assertThat(warehouse.reservations()).isEqualTo(BEFORE + DURING);

					// the old master comes back as a replica of the new one
					String newMaster = cluster.masters().get(0);
					String newMasterAddress = cluster.broker(newMaster).getReplicasManager().getBrokerAddress();
					cluster.startBroker(oldMaster);
					await("the old master following the new one").atMost(Duration.ofSeconds(30))
						.until(() -> newMasterAddress
							.equals(cluster.broker(oldMaster).getReplicasManager().getMasterAddress()));
					assertThat(cluster.masters()).isEqualTo(List.of(newMaster));
				});
		}
	}

	@Test
	void theAuditRefusesAControllerGroupThatAcknowledgesFromMemoryOnOneReplica() {
		try (EmbeddedRocketMq cluster = new EmbeddedRocketMq(EmbeddedBrokerSettings.of(SharedBroker.tempDir("controller"))
			.withControllerMode()
			.withFlushDiskType(FlushDiskType.ASYNC_FLUSH)
			.withStoreCustomizer((store) -> {
				store.setAllAckInSyncStateSet(false);
				store.setInSyncReplicas(1);
			})).start()) {
			TestContexts.runner()
				.withPropertyValues("reliable-messaging.rocketmq.name-server=" + cluster.nameServerAddress(),
						"reliable-messaging.rocketmq.durability-check=fail")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
						.hasMessageContaining("controller mode with allAckInSyncStateSet=false, inSyncReplicas=1")
						.hasMessageContaining("Set allAckInSyncStateSet=true");
				});
		}
	}

}
