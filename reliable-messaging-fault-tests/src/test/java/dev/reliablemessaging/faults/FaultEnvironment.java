package dev.reliablemessaging.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.reliablemessaging.faults.FaultDatabase.Decisions;

/**
 * One run's processes and database: a fresh PostgreSQL database, a name server and the brokers of a topology on fresh
 * stores, and one or two instances of the order service on them; and the ledger that reads back what happened to
 * the orders.
 */
final class FaultEnvironment implements AutoCloseable {

	/** The longest a settle may take while decisions keep coming; a soak's backlog can need more. */
	private static final Duration SETTLE = Duration.ofSeconds(Long.getLong("rm.faults.settle-seconds", 180));

	/**
	 * How long the decisions may stand still before the starter's missing orders count as lost: longer than a pull
	 * request that went out on a cut connection takes to time out (30 s) and be retried.
	 */
	private static final Duration QUIET = Duration.ofSeconds(Long.getLong("rm.faults.quiet-seconds", 60));

	/** The same for the naive variant, whose losses are certain (never sent); shorter, to keep the suite short. */
	private static final Duration NAIVE_QUIET = Duration.ofSeconds(10);

	/** The sample's topics and the naive variant's, created with queues on every broker. */
	private static final List<String> TOPICS = List.of("order-placed", "stock-reserved", "stock-rejected",
			"order-status", "order-placed-naive", "order-status-naive");

	final FaultDatabase database;

	final RocketMqProcesses rocketMq;

	final List<OrderServiceProcess> services;

	private FaultEnvironment(FaultDatabase database, RocketMqProcesses rocketMq, List<OrderServiceProcess> services) {
		this.database = database;
		this.rocketMq = rocketMq;
		this.services = services;
	}

	/**
	 * Starts the set-up's processes on fresh stores and a fresh database: the name server, then the brokers and the
	 * service instances at once (an instance waits for its broker by itself; a broker's own wait for its registration
	 * is long enough for four JVMs starting on two cores).
	 */
	static FaultEnvironment start(Path sampleJar, String name, Fault.Setup setup) throws Exception {
		Path directory = Files.createTempDirectory("rm-fault-" + name + "-");
		FaultDatabase database = new FaultDatabase("rm_faults_" + name.toLowerCase(Locale.ROOT));
		List<Integer> ports = new ArrayList<>(List.of(freePort(), freePort()));
		for (int i = 0; i < setup.topology().brokerCount(); i++) {
			ports.add(freeBrokerPort(ports));
		}
		RocketMqProcesses rocketMq = new RocketMqProcesses(setup.topology(), directory, ports, TOPICS);
		List<OrderServiceProcess> services = new ArrayList<>();
		try {
			for (int i = 1; i <= setup.instances(); i++) {
				services.add(new OrderServiceProcess(sampleJar, directory, i, freePort(), database.name(),
						rocketMq.serviceNameServerAddress(), setup.handlerTime()));
			}
			rocketMq.startNameServer();
			rocketMq.launchStopped();
			if (setup.topology() == RocketMqProcesses.Topology.CONTROLLER) {
				// as an operator deploys a service on a cluster that has a master, not onto one still electing it
				rocketMq.awaitLaunched();
				rocketMq.awaitRunningMaster(Duration.ofSeconds(60));
			}
			services.forEach(OrderServiceProcess::launch);
			rocketMq.awaitLaunched();
			services.forEach(OrderServiceProcess::awaitReady);
			return new FaultEnvironment(database, rocketMq, List.copyOf(services));
		}
		catch (Exception | Error ex) {
			new FaultEnvironment(database, rocketMq, services).close();
			throw ex;
		}
	}

	Fault.Rig rig(OrderLoad load) {
		return new Fault.Rig(this.rocketMq, this.services, this.database, load);
	}

	/**
	 * Waits until, for each variant, every accepted order has a decision and its status history is complete, or
	 * neither has moved for that variant's quiet time. Both variants settle at once: the naive variant's quiet time
	 * runs while the starter drains.
	 */
	void settle(Set<String> starter, Set<String> naive) throws Exception {
		long deadline = System.nanoTime() + SETTLE.toNanos();
		Settling[] variants = { new Settling(starter, QUIET), new Settling(naive, NAIVE_QUIET) };
		while (System.nanoTime() < deadline) {
			boolean settled = true;
			for (Settling variant : variants) {
				settled &= variant.settled();
			}
			if (settled) {
				return;
			}
			ChildProcess.pause(250);
		}
	}

	/** One variant's progress towards settling. */
	private final class Settling {

		private final Set<String> accepted;

		private final Duration quiet;

		private long lastProgress = -1;

		private long changedAt = System.nanoTime();

		private boolean done;

		Settling(Set<String> accepted, Duration quiet) {
			this.accepted = accepted;
			this.quiet = quiet;
		}

		boolean settled() throws Exception {
			if (this.done) {
				return true;
			}
			long decided = FaultEnvironment.this.database.decisions(this.accepted).decided();
			long incomplete = FaultEnvironment.this.database.history(this.accepted).incomplete();
			long progress = decided * 2 - incomplete;
			if (progress != this.lastProgress) {
				this.lastProgress = progress;
				this.changedAt = System.nanoTime();
			}
			this.done = (decided == this.accepted.size() && incomplete == 0)
					|| System.nanoTime() - this.changedAt > this.quiet.toNanos();
			return this.done;
		}

	}

	/** The starter's and the naive variant's figures, once both have settled. */
	ScenarioResult[] results(String scenario, OrderLoad load, Instant recoveredAt, long pendingAtFaultEnd)
			throws Exception {
		this.rocketMq.awaitLaunched();
		settle(load.acceptedByStarter.keySet(), load.acceptedByNaive.keySet());
		return new ScenarioResult[] {
				result(scenario, "starter", load.acceptedByStarter, recoveredAt,
						this.services.stream().mapToLong(OrderServiceProcess::duplicatesAbsorbed).sum(),
						pendingAtFaultEnd, this.database.outboxNotSent(), this.database.deadRows(),
						this.rocketMq.deadLettered("warehouse") + this.rocketMq.deadLettered("order-history"),
						this.rocketMq.unconsumed("warehouse"), this.database.relayDrainAfter(recoveredAt)),
				result(scenario, "naive", load.acceptedByNaive, recoveredAt, -1, -1, -1, -1,
						this.rocketMq.deadLettered("warehouse-naive")
								+ this.rocketMq.deadLettered("order-history-naive"),
						this.rocketMq.unconsumed("warehouse-naive"), -1) };
	}

	/**
	 * One variant's figures. The drain time runs from the recovery to the decision on the last order accepted before
	 * it: how long the backlog of the fault took to clear; never, if an accepted order was lost.
	 */
	private ScenarioResult result(String scenario, String variant, Map<String, Instant> accepted, Instant recoveredAt,
			long duplicates, long pendingAtFaultEnd, long outboxNotSent, long deadRows, long deadLettered,
			long unconsumed, double relayDrain) throws Exception {
		Decisions all = this.database.decisions(accepted.keySet());
		if (all.decided() < accepted.size()) {
			System.out.println(scenario + ", " + variant + ": undecided orders, for example "
					+ this.database.undecided(accepted.keySet(), 20));
		}
		List<String> beforeRecovery = accepted.entrySet()
			.stream()
			.filter((order) -> order.getValue().isBefore(recoveredAt))
			.map(Map.Entry::getKey)
			.toList();
		Instant backlogCleared = this.database.decisions(beforeRecovery).lastDecidedAt();
		double drain = (all.decided() < accepted.size() || backlogCleared == null) ? -1
				: Math.max(0, Duration.between(recoveredAt, backlogCleared).toMillis()) / 1000.0;
		// from the first decision after the mending (the first message through again) to the end of the backlog
		Instant firstThrough = this.database.firstDecidedAfter(accepted.keySet(), recoveredAt);
		double answerDrain = (drain < 0 || firstThrough == null) ? -1
				: Math.max(0, Duration.between(firstThrough, backlogCleared).toMillis()) / 1000.0;
		return new ScenarioResult(scenario, variant, accepted.size(), all.decided(), all.decidedTwice(), duplicates,
				pendingAtFaultEnd, outboxNotSent, deadRows, deadLettered, unconsumed,
				this.database.history(accepted.keySet()), this.database.longestGap(accepted.keySet()), drain,
				answerDrain, relayDrain);
	}

	@Override
	public void close() throws Exception {
		try {
			this.services.forEach(OrderServiceProcess::stop);
		}
		finally {
			try {
				this.rocketMq.stop();
			}
			finally {
				this.database.close();
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A broker port whose fast-listen port two below it is free too, and far from the ports taken already (the
	 * broker's HA port is a free port of its own).
	 */
	private static int freeBrokerPort(List<Integer> taken) throws IOException {
		for (int i = 0; i < 50; i++) {
			int port = freePort();
			boolean apart = taken.stream().allMatch((other) -> Math.abs(other - port) > 2);
			if (port > 1100 && apart && free(port - 2)) {
				return port;
			}
		}
		throw new IllegalStateException("No free broker port");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
