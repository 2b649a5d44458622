package dev.reliablemessaging.faults;

import java.time.Duration;
import java.util.List;

import dev.reliablemessaging.faults.RocketMqProcesses.Topology;

/**
 * The faults the suite injects while orders flow, each with the set-up it strikes. Each knows how to break things
 * and how to mend them. The descriptions name the scenarios in the report; scripts read them, so they stay as they
 * are.
 */
enum Fault {

	BROKER_KILLED("kill -9 of the broker while the relay sends; restarted on the same store", Setup.PLAIN,
			(rig) -> rig.rocketMq().killMaster(), (rig) -> rig.rocketMq().startStopped()),

	BROKER_DOWN_LONG("broker down longer than the backoff schedule (20 s; three refusals would make a row DEAD)",
			Setup.PLAIN, Duration.ofSeconds(20), (rig) -> rig.rocketMq().killMaster(),
			(rig) -> rig.rocketMq().startStopped()),

	SERVICE_KILLED("kill -9 of the service while rows are leased and in flight; restarted", Setup.PLAIN,
			(rig) -> rig.service().kill(), (rig) -> rig.service().start()),

	SERVICE_KILLED_IN_HANDLER("kill -9 of the service while handlers are inside their transactions (150 ms each)",
			new Setup(Topology.SINGLE, 1, Duration.ofMillis(150)), (rig) -> rig.service().kill(),
			(rig) -> rig.service().start()),

	SLAVE_KILLED("SYNC_MASTER with a slave; kill -9 of the slave, restarted",
			new Setup(Topology.REPLICATED, 1, Duration.ZERO), (rig) -> rig.rocketMq().killSlave(),
			(rig) -> rig.rocketMq().startStopped()),

	NETWORK_CUT("the network between service and broker is cut (connections dropped, new ones black-holed), then restored",
			Setup.PLAIN, (rig) -> rig.rocketMq().cutNetwork(), (rig) -> rig.rocketMq().restoreNetwork()),

	DATABASE_AWAY("PostgreSQL refuses connections and ends the open ones; allowed again", Setup.PLAIN,
			(rig) -> rig.database().goAway(), (rig) -> rig.database().comeBack()),

	DATABASE_CUT_UNDER_ORDERLY_LISTENER("database cut for 40 s under an orderly listener", Setup.PLAIN,
			Duration.ofSeconds(40), (rig) -> rig.database().goAway(), (rig) -> rig.database().comeBack()),

	CONTROLLER_FAILOVER("controller failover: kill -9 of the master, a new master is elected",
			new Setup(Topology.CONTROLLER, 1, Duration.ZERO), (rig) -> rig.rocketMq().killMaster(), (rig) -> {
				// the old master comes back as a slave of the one the controller elected meanwhile; that takes
				// longer than the elected one needs to serve, so it is awaited only before the counting
				rig.rocketMq().awaitRunningMaster(Duration.ofSeconds(30));
				rig.rocketMq().launchStopped();
			}),

	BROKER_GROUP_KILLED("two broker groups: kill -9 of one master, restarted later",
			new Setup(Topology.TWO_GROUPS, 1, Duration.ZERO), (rig) -> rig.rocketMq().killMaster(),
			(rig) -> rig.rocketMq().startStopped()),

	INSTANCE_KILLED("two service instances: kill -9 of one instance with rows leased and handlers running",
			new Setup(Topology.SINGLE, 2, Duration.ofMillis(100)), (rig) -> rig.services().get(1).kill(),
			(rig) -> rig.services().get(1).start()),

	NAME_SERVER_BLACK_HOLED("the name server black-holed (connections dropped, new ones never answered) while the "
			+ "relay sends ordered and unordered rows, then restored", Setup.PLAIN, Duration.ofSeconds(20),
			(rig) -> rig.rocketMq().blackHoleNameServer(), (rig) -> rig.rocketMq().restoreNameServer()),

	ORDERLY_POISON("an orderly listener with a poison message on one key: parked until the bug is fixed and an "
			+ "operator releases the key", Setup.PLAIN, Duration.ofSeconds(15), Rig::poisonOneKey,
			Rig::releasePoisonedKey);

	/** The SKU of the order whose status history the orderly listener cannot apply. */
	static final String POISON_SKU = "poison-pill";

	private final String description;

	private final Setup setup;

	private final Duration duration;

	private final Action inject;

	private final Action recover;

	Fault(String description, Setup setup, Action inject, Action recover) {
		// most faults last 5 s before they are mended
		this(description, setup, Duration.ofSeconds(5), inject, recover);
	}

	Fault(String description, Setup setup, Duration duration, Action inject, Action recover) {
		this.description = description;
		this.setup = setup;
		this.duration = duration;
		this.inject = inject;
		this.recover = recover;
	}

	/** How long the fault lasts before it is mended. */
	Duration duration() {
		return this.duration;
	}

	String description() {
		return this.description;
	}

	Setup setup() {
		return this.setup;
	}

	void inject(Rig rig) throws Exception {
		this.inject.on(rig);
	}

	void recover(Rig rig) throws Exception {
		this.recover.on(rig);
	}

	/**
	 * What a scenario runs on.
	 * @param topology how the brokers are laid out
	 * @param instances how many instances of the order service share the database and the consumer groups
	 * @param handlerTime how long the warehouse's handler works inside its transaction
	 */
	record Setup(Topology topology, int instances, Duration handlerTime) {

		static final Setup PLAIN = new Setup(Topology.SINGLE, 1, Duration.ZERO);

	}

	/** What a fault acts on. */
	record Rig(RocketMqProcesses rocketMq, List<OrderServiceProcess> services, FaultDatabase database,
			OrderLoad load) {

		/** The first instance of the service. */
		OrderServiceProcess service() {
			return this.services.get(0);
		}

		/** Places an order whose status history cannot be applied, among the load's. */
		void poisonOneKey() throws Exception {
			this.database.poisonHistoryOf(POISON_SKU);
			this.load.placeOne(service(), POISON_SKU);
		}

		/** Fixes the history's bug and releases every key the orderly listener parked, as an operator would. */
		void releasePoisonedKey() throws Exception {
			this.database.cure();
			service().releaseParkedKeys("order-history");
		}

	}

	/** One half of a fault: breaking or mending. */
	private interface Action {

		void on(Rig rig) throws Exception;

	}

}
