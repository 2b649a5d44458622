package dev.reliablemessaging.faults;

import java.time.Duration;

/**
 * The faults the suite injects while orders flow. Each knows how to break things and how to mend them.
 */
enum Fault {

	BROKER_KILLED("kill -9 of the broker while the relay sends; restarted on the same store", Duration.ZERO, false,
			(rig) -> rig.rocketMq().killBroker(), (rig) -> rig.rocketMq().startBroker()),

	BROKER_DOWN_LONG("broker down longer than the backoff schedule (20 s; three refusals would make a row DEAD)",
			Duration.ZERO, false, Duration.ofSeconds(20), (rig) -> rig.rocketMq().killBroker(),
			(rig) -> rig.rocketMq().startBroker()),

	SERVICE_KILLED("kill -9 of the service while rows are leased and in flight; restarted", Duration.ZERO, false,
			(rig) -> rig.service().kill(), (rig) -> rig.service().start()),

	SERVICE_KILLED_IN_HANDLER("kill -9 of the service while handlers are inside their transactions (150 ms each)",
			Duration.ofMillis(150), false, (rig) -> rig.service().kill(), (rig) -> rig.service().start()),

	SLAVE_KILLED("SYNC_MASTER with a slave; kill -9 of the slave, restarted", Duration.ZERO, true,
			(rig) -> rig.rocketMq().killSlave(), (rig) -> rig.rocketMq().startSlave()),

	NETWORK_CUT("the network between service and broker is cut (connections dropped, new ones black-holed), then restored",
			Duration.ZERO, false, (rig) -> rig.rocketMq().network().cut(), (rig) -> rig.rocketMq().network().restore()),

	DATABASE_AWAY("PostgreSQL refuses connections and ends the open ones; allowed again", Duration.ZERO, false,
			(rig) -> rig.database().goAway(), (rig) -> rig.database().comeBack()),

	DATABASE_CUT_UNDER_ORDERLY_LISTENER("database cut for 40 s under an orderly listener", Duration.ZERO, false,
			Duration.ofSeconds(40), (rig) -> rig.database().goAway(), (rig) -> rig.database().comeBack());

	/** How long most faults last before they are mended. */
	private static final Duration SHORT = Duration.ofSeconds(5);

	private final String description;

	private final Duration handlerTime;

	private final boolean replicated;

	private final Duration duration;

	private final Action inject;

	private final Action recover;

	Fault(String description, Duration handlerTime, boolean replicated, Action inject, Action recover) {
		this(description, handlerTime, replicated, null, inject, recover);
	}

	Fault(String description, Duration handlerTime, boolean replicated, Duration duration, Action inject,
			Action recover) {
		this.description = description;
		this.handlerTime = handlerTime;
		this.replicated = replicated;
		this.duration = duration;
		this.inject = inject;
		this.recover = recover;
	}

	/** How long the fault lasts before it is mended. */
	Duration duration() {
		return (this.duration != null) ? this.duration : SHORT;
	}

	String description() {
		return this.description;
	}

	/** How long the warehouse's handler works inside its transaction in this scenario. */
	Duration handlerTime() {
		return this.handlerTime;
	}

	/** Whether the scenario runs a SYNC_MASTER broker with a slave. */
	boolean replicated() {
		return this.replicated;
	}

	void inject(Rig rig) throws Exception {
		this.inject.on(rig);
	}

	void recover(Rig rig) throws Exception {
		this.recover.on(rig);
	}

	/** What a fault acts on. */
	record Rig(RocketMqProcesses rocketMq, OrderServiceProcess service, FaultDatabase database) {
	}

	/** One half of a fault: breaking or mending. */
	private interface Action {

		void on(Rig rig) throws Exception;

	}

}
