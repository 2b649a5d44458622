package dev.reliablemessaging.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.reliablemessaging.faults.RocketMqProcesses.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real processes, real faults: a RocketMQ name server, the brokers of a topology and the packaged order service (one
 * instance or two) each run in a JVM of their own, on PostgreSQL; orders flow through the starter's endpoint and the
 * naive one at a steady rate while faults strike and are mended. Afterwards the database and the broker say what was lost and what was applied twice.
 * The build fails if the starter lost or doubled anything; the naive variant's figures are only reported. The table
 * goes to {@code target/fault-report.md}. With {@code -Drm.faults.soak-orders=N} a soak with random faults runs too,
 * until the starter's endpoint accepted N orders (or {@code -Drm.faults.soak-minutes} passed).
 */
class FaultSuiteTests {

	private static final int ORDERS_PER_SECOND = 20;

	private static final Duration BEFORE_FAULT = Duration.ofSeconds(3);


	private static final Duration AFTER_RECOVERY = Duration.ofSeconds(3);

	private static final List<ScenarioResult> results = new CopyOnWriteArrayList<>();

	private static Path sampleJar;

	@BeforeAll
	static void requireTheSampleAndPostgres() {
		sampleJar = Path.of(System.getProperty("rm.faults.sample-jar",
				"../sample-order-service/target/sample-order-service.jar"));
		assertThat(sampleJar).as("the packaged sample (mvn package builds it before this module)").exists();
		if (!FaultDatabase.available()) {
			assertThat(Boolean.getBoolean("rm.require-databases"))
				.as("PostgreSQL is required (-Drm.require-databases=true) but not reachable")
				.isFalse();
			Assumptions.abort("The fault suite needs PostgreSQL at " + FaultDatabase.host() + ":"
					+ FaultDatabase.port() + " (PGHOST, PGPORT, PGUSER, PGPASSWORD); it is not reachable");
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Fault.class)
	void noOrderIsLostOrAppliedTwice(Fault fault) throws Exception {
		String only = System.getProperty("rm.faults.only", "");
		Assumptions.assumeTrue(only.isBlank() || Set.of(only.split(",")).contains(fault.name()),
				"-Drm.faults.only=" + only + " leaves " + fault + " out");
		long began = System.nanoTime();
		try (FaultEnvironment environment = FaultEnvironment.start(sampleJar, fault.name().toLowerCase(Locale.ROOT),
				fault.setup())) {
			phase(fault, "processes started", began);
			OrderLoad load = new OrderLoad(environment.services, true);
			Instant recoveredAt;
			long pendingAtFaultEnd;
			try (load) {
				load.start(ORDERS_PER_SECOND);
				ChildProcess.pause(BEFORE_FAULT.toMillis());
				phase(fault, "load running", began);
				fault.inject(environment.rig(load));
				phase(fault, "fault injected", began);
				ChildProcess.pause(fault.duration().toMillis());
				pendingAtFaultEnd = environment.database.pendingAfterFailedAttempt();
				phase(fault, "fault lasted", began);
				fault.recover(environment.rig(load));
				recoveredAt = Instant.now();
				phase(fault, "fault mended", began);
				ChildProcess.pause(AFTER_RECOVERY.toMillis());
			}
			phase(fault, "load and fault done", began);
			ScenarioResult[] outcome = environment.results(fault.description(), load, recoveredAt, pendingAtFaultEnd);
			check(outcome, true);
			if (fault == Fault.NAME_SERVER_BLACK_HOLED) {
				assertThat(outcome[0].drainSeconds()).as("seconds until every row was sent after the name server returned")
					.isBetween(0.0, 60.0);
			}
			phase(fault, "settled and counted", began);
		}
		finally {
			phase(fault, "processes stopped", began);
		}
	}

	/** Where a scenario's time goes, for keeping the suite short. */
	private static void phase(Fault fault, String phase, long began) {
		System.out.printf("%s %s: %s after %.1f s%n", Instant.now(), fault, phase, (System.nanoTime() - began) / 1e9);
	}

	@Test
	void soakWithRandomFaults() throws Exception {
		long target = Long.getLong("rm.faults.soak-orders", 0);
		Assumptions.assumeTrue(target > 0,
				"The soak runs until the starter's endpoint accepted -Drm.faults.soak-orders=N orders, for example 200000");
		int rate = Integer.getInteger("rm.faults.soak-rate", 100);
		boolean withNaive = Boolean.parseBoolean(System.getProperty("rm.faults.soak-naive", "true"));
		long minutes = Long.getLong("rm.faults.soak-minutes", 0);
		long endBy = (minutes > 0) ? System.nanoTime() + Duration.ofMinutes(minutes).toNanos() : Long.MAX_VALUE;
		Random random = new Random(Long.getLong("rm.faults.seed", 42));
		Fault.Setup setup = new Fault.Setup(Topology.CONTROLLER, 2, Duration.ofMillis(20));
		try (FaultEnvironment environment = FaultEnvironment.start(sampleJar, "soak", setup)) {
			OrderLoad load = new OrderLoad(environment.services, withNaive);
			Instant recoveredAt;
			Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
			int notCompleted = 0;
			int restartsRetried = 0;
			try (load) {
				load.start(rate);
				while (load.acceptedByStarter.size() < target && System.nanoTime() < endBy) {
					ChildProcess.pause(5_000 + random.nextInt(10_000));
					Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
					try {
						fault.inject(environment.rig(load));
						ChildProcess.pause(1_000 + random.nextInt(4_000));
						fault.recover(environment.rig(load));
					}
					catch (RocketMqProcesses.NoMasterElected ex) {
						// a replica not back in the in-sync set yet: the group cannot fail over until it is
						System.out.println(fault + " not completed: " + ex.getMessage());
						notCompleted++;
					}
					restartsRetried += restartStopped(environment.rocketMq);
					faults.merge(fault, 1, Integer::sum);
				}
				environment.rocketMq.startStopped();
				recoveredAt = Instant.now();
			}
			String scenario = describeSoak(setup, faults, notCompleted, restartsRetried, rate, withNaive)
					+ ((load.acceptedByStarter.size() < target)
							? ", ended by its time limit of " + minutes + " min short of " + target + " orders" : "");
			check(environment.results(scenario, load, recoveredAt, -1), withNaive);
		}
	}

	private static String describeSoak(Fault.Setup setup, Map<Fault, Integer> faults, int notCompleted,
			int restartsRetried, int rate, boolean withNaive) {
		int total = faults.values().stream().mapToInt(Integer::intValue).sum();
		return "soak on " + setup.topology() + " with " + setup.instances() + " instances: " + total + " random faults "
				+ faults + " (" + notCompleted + " not completed: no master elected in time; " + restartsRetried
				+ " broker restarts retried at the next fault), " + rate + " orders/s on "
				+ (withNaive ? "each endpoint" : "the starter's endpoint");
	}

	/**
	 * Restarts the brokers a fault stopped. A replica restarted into the soak's full load on 2 cores can take longer
	 * than the rig's readiness wait; the soak then goes on with the other replica and starts it again after the
	 * next fault (the run's table says how often), and the last restart before counting must succeed.
	 */
	private static int restartStopped(RocketMqProcesses rocketMq) {
		try {
			rocketMq.startStopped();
			return 0;
		}
		catch (IllegalStateException ex) {
			System.out.println("Broker restart to be retried: " + ex.getMessage());
			return 1;
		}
	}

	/** Reports the starter's row, and the naive variant's when it took orders, and fails on the starter's losses. */
	private static void check(ScenarioResult[] outcome, boolean withNaive) {
		results.add(outcome[0]);
		if (withNaive) {
			results.add(outcome[1]);
		}
		ScenarioResult starter = outcome[0];
		assertThat(starter.accepted()).as("orders the starter's endpoint accepted").isPositive();
		assertThat(starter.lost()).as("orders the starter lost").isZero();
		assertThat(starter.twice()).as("orders the starter applied twice").isZero();
		assertThat(starter.outboxNotSent()).as("outbox rows left unsent").isZero();
		assertThat(starter.deadRows()).as("outbox rows made DEAD").isZero();
		assertThat(starter.deadLettered()).as("messages in the warehouse's dead-letter queue").isZero();
		assertThat(starter.history().outOfOrder()).as("orders whose status changes were applied out of order").isZero();
		assertThat(starter.history().twice()).as("status changes applied twice").isZero();
		assertThat(starter.history().incomplete()).as("decided orders with a status change missing").isZero();
	}

	@AfterAll
	static void writeReport() throws IOException {
		if (results.isEmpty()) {
			return;
		}
		String report = "# Fault-injection report\n\nScenarios: " + ORDERS_PER_SECOND + " orders per second on each endpoint; "
				+ "fault after " + BEFORE_FAULT.toSeconds() + " s, mended 5 s later (20 s or 40 s where the scenario "
				+ "says), load for " + AFTER_RECOVERY.toSeconds() + " s more. One broker and one instance of the service "
				+ "unless the scenario names another set-up: a SYNC_MASTER with a slave; controller mode (a controller "
				+ "beside the name server elects one of two replicas master, allAckInSyncStateSet=true, "
				+ "minInSyncReplicas=1); two broker groups, every topic with four queues on each; two instances of "
				+ "the service on one database and in the same consumer groups, the orders going to each in turn. Lost = accepted by the API, never decided "
				+ "by the warehouse. Applied twice = decided more than once. Dead rows = outbox rows DEAD after settling. "
				+ "Each order's status changes (placed, then decided; ordering key = order id) are applied by an orderly "
				+ "listener: out of order = an order whose changes were applied in another order, history incomplete = "
				+ "a decided order with a change missing, history twice = a change applied twice. Longest gap = the "
				+ "longest time between two consecutive decisions while the scenario ran. Consumers rebalance every 2 s and refresh routes every second "
				+ "(both variants). Drain = from the end of the fault until the last order accepted before it was decided. "
				+ "The soak's row gives its own rate; its drain runs from the end of the load.\n\n"
				+ ScenarioResult.table(results);
		Path file = Path.of(System.getProperty("rm.faults.report", "target/fault-report.md"));
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, report);
		System.out.println(report);
	}

}
