package dev.reliablemessaging.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.remoting.protocol.body.BrokerReplicasInfo.ReplicasInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * A RocketMQ name server and the brokers of a {@link Topology}, each in a JVM of its own with a persistent store, on
 * fixed ports so a broker started again after a kill is the same broker. Every broker listens on 127.0.0.2 behind a
 * {@link CuttableProxy} on 127.0.0.1, the address it advertises, so the network between clients and brokers can be
 * cut.
 */
final class RocketMqProcesses {

	private static final String BROKER_HOST = "127.0.0.2";

	private static final String GROUP = "embedded-broker";

	/** How the brokers are laid out, and the processes that run them. */
	enum Topology {

		/** One master. */
		SINGLE("embedded-broker"),

		/** A SYNC_MASTER and its slave: a message is stored once both have it. */
		REPLICATED("master", "slave"),

		/** RocketMQ 5's controller mode: a controller beside the name server elects one of two replicas master. */
		CONTROLLER("embedded-broker#1", "embedded-broker#2"),

		/** Two broker groups, each a master, with every topic's queues on both. */
		TWO_GROUPS("embedded-broker-a", "embedded-broker-b");

		private final List<String> brokers;

		Topology(String... brokers) {
			this.brokers = List.of(brokers);
		}

		int brokerCount() {
			return this.brokers.size();
		}

	}

	private final Topology topology;

	private final ChildProcess nameServer;

	private final List<ChildProcess> brokers = new ArrayList<>();

	private final List<Integer> brokerPorts;

	private final int nameServerPort;

	private final String controllerAddress;

	private final List<CuttableProxy> proxies = new ArrayList<>();

	/** Between the services and the name server, so that a fault can black-hole it while the brokers stay reachable. */
	private final CuttableProxy nameServerProxy;

	/** Waits for the brokers launched and not yet awaited. */
	private final List<Runnable> launched = new ArrayList<>();

	/**
	 * @param ports the name server's port, then the controller's, then one per broker of the topology
	 * @param topics the topics every broker creates
	 */
	RocketMqProcesses(Topology topology, Path directory, List<Integer> ports, List<String> topics) {
		this.topology = topology;
		this.nameServerPort = ports.get(0);
		this.controllerAddress = "127.0.0.1:" + ports.get(1);
		this.brokerPorts = List.copyOf(ports.subList(2, 2 + topology.brokers.size()));
		this.nameServerProxy = nameServerProxy(ports);
		Path store = directory.resolve("rocketmq");
		String main = FaultBrokerMain.class.getName();
		String brokerPorts = this.brokerPorts.stream().map(String::valueOf).collect(Collectors.joining(","));
		String topicList = String.join(",", topics);
		this.nameServer = new ChildProcess("name server",
				ChildProcess.java("384m", main, topology.name(), FaultBrokerMain.NAME_SERVER,
						store.resolve("namesrv").toString(), String.valueOf(this.nameServerPort), brokerPorts,
						String.valueOf(ports.get(1)), "127.0.0.1", topicList),
				Map.of(), directory.resolve("namesrv.log"));
		for (String broker : topology.brokers) {
			String file = broker.replace('#', '-');
			this.brokers.add(new ChildProcess(broker,
					ChildProcess.java("768m", main, topology.name(), broker, store.resolve(file).toString(),
							String.valueOf(this.nameServerPort), brokerPorts, String.valueOf(ports.get(1)),
							BROKER_HOST, topicList),
					Map.of(), directory.resolve(file + ".log")));
		}
	}

	/**
	 * A proxy in front of the name server on a port of its own, away from the ports chosen for the processes (they
	 * are free until the processes bind them, so the system could hand one of them out again).
	 */
	private CuttableProxy nameServerProxy(List<Integer> ports) {
		try {
			for (int attempt = 0; attempt < 20; attempt++) {
				CuttableProxy proxy = new CuttableProxy(new InetSocketAddress(CuttableProxy.loopback(1), 0),
						new InetSocketAddress(CuttableProxy.loopback(1), this.nameServerPort));
				if (ports.stream().allMatch((port) -> Math.abs(port - proxy.port()) > 2)) {
					return proxy;
				}
				proxy.close();
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		throw new IllegalStateException("No port for the name server's proxy away from " + ports);
	}

	/** Starts the name server (in controller mode with the controller) and the proxies in front of the brokers. */
	void startNameServer() throws IOException {
		startProcess(this.nameServer);
		for (int port : this.brokerPorts) {
			this.proxies.add(new CuttableProxy(new InetSocketAddress(CuttableProxy.loopback(1), port),
					new InetSocketAddress(CuttableProxy.loopback(2), port)));
		}
	}

	/** Starts every broker that is not running (after a kill: on its old store), and waits until they serve. */
	void startStopped() {
		launchStopped();
		awaitLaunched();
	}

	/** Starts every broker that is not running without waiting for it; {@link #awaitLaunched()} waits. */
	void launchStopped() {
		for (ChildProcess broker : this.brokers) {
			if (!broker.isAlive()) {
				long offset = broker.logLength();
				broker.launch();
				this.launched.add(() -> broker.awaitReady(() -> broker.logContains("READY", offset),
						Duration.ofSeconds(120)));
			}
		}
	}

	/**
	 * Waits until every broker launched since the last wait serves; when one does not, still waits for the others
	 * (so none is left starting unawaited) and then throws the first failure, the others suppressed in it.
	 */
	void awaitLaunched() {
		RuntimeException first = null;
		for (Runnable wait : this.launched) {
			try {
				wait.run();
			}
			catch (RuntimeException ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		this.launched.clear();
		if (first != null) {
			throw first;
		}
	}

	/**
	 * SIGKILL of the master: the only broker, the SYNC_MASTER, the first group's master, or in controller mode the
	 * replica the controller elected.
	 */
	void killMaster() {
		this.brokers.get(masterIndex()).kill();
	}

	/** SIGKILL of the slave: of the SYNC_MASTER, or in controller mode the replica that is not the master. */
	void killSlave() {
		if (this.brokers.size() < 2 || this.topology == Topology.TWO_GROUPS) {
			throw new IllegalStateException("The " + this.topology + " topology has no slave");
		}
		this.brokers.get(1 - masterIndex()).kill();
	}

	/**
	 * The broker to kill as master: in controller mode the replica the controller elected, once the other is in the
	 * in-sync set again (only then can it be elected in turn; the suite waits rather than kill a group that cannot
	 * fail over).
	 */
	private int masterIndex() {
		if (this.topology != Topology.CONTROLLER) {
			return 0;
		}
		return awaitMaster(Duration.ofSeconds(60), true, "with both replicas in sync");
	}

	/**
	 * Waits until the controller elected a replica that runs and the name server routes it as master: after the
	 * master was killed, until the other replica took over.
	 */
	void awaitRunningMaster(Duration wait) {
		long began = System.nanoTime();
		int master = awaitMaster(wait, false, "routed by the name server");
		System.out.printf("%s is master after %.1f s%n", this.topology.brokers.get(master),
				(System.nanoTime() - began) / 1e9);
	}

	/** The index of the running broker the controller made master, once it is routed (or all replicas in sync). */
	private int awaitMaster(Duration wait, boolean allInSync, String condition) {
		long deadline = System.nanoTime() + wait.toNanos();
		ReplicasInfo replicas = null;
		while (System.nanoTime() < deadline) {
			replicas = replicas();
			int master = (replicas != null) ? runningBroker(replicas.getMasterAddress()) : -1;
			boolean ready = allInSync ? replicas != null && replicas.getInSyncReplicas().size() == this.brokers.size()
					: master >= 0 && replicas.getMasterAddress().equals(routedMaster());
			if (master >= 0 && ready) {
				return master;
			}
			ChildProcess.pause(250);
		}
		throw new NoMasterElected("No running replica was master " + condition + " within " + wait
				+ "; the controller says " + ((replicas != null) ? "master " + replicas.getMasterAddress()
						+ ", in sync " + replicas.getInSyncReplicas().size() : "nothing"));
	}

	private int runningBroker(String address) {
		for (int i = 0; i < this.brokers.size(); i++) {
			if (("127.0.0.1:" + this.brokerPorts.get(i)).equals(address) && this.brokers.get(i).isAlive()) {
				return i;
			}
		}
		return -1;
	}

	/** What the controller knows of the group: its master and in-sync replicas; {@code null} when it cannot say. */
	private ReplicasInfo replicas() {
		return withAdmin((admin) -> admin.getInSyncStateData(this.controllerAddress, List.of(GROUP))
			.getReplicasInfoTable()
			.get(GROUP), null);
	}

	private String routedMaster() {
		return withAdmin((admin) -> {
			BrokerData group = admin.examineBrokerClusterInfo().getBrokerAddrTable().get(GROUP);
			return (group != null) ? group.getBrokerAddrs().get(MixAll.MASTER_ID) : null;
		}, null);
	}

	/** Cuts the network between every client and every broker: connections dropped, new ones black-holed. */
	void cutNetwork() {
		this.proxies.forEach(CuttableProxy::cut);
	}

	void restoreNetwork() {
		this.proxies.forEach(CuttableProxy::restore);
	}

	String nameServerAddress() {
		return "127.0.0.1:" + this.nameServerPort;
	}

	/** The name server as the services reach it: through a proxy a fault can black-hole. */
	String serviceNameServerAddress() {
		return "127.0.0.1:" + this.nameServerProxy.port();
	}

	/** Black-holes the name server for the services (open connections dropped, new ones never answered). */
	void blackHoleNameServer() {
		this.nameServerProxy.cut();
	}

	void restoreNameServer() {
		this.nameServerProxy.restore();
	}

	void stop() {
		this.brokers.forEach(ChildProcess::stop);
		this.nameServer.stop();
		try {
			this.nameServerProxy.close();
		}
		catch (IOException ex) {
			// closed already
		}
		for (CuttableProxy proxy : this.proxies) {
			try {
				proxy.close();
			}
			catch (IOException ex) {
				// closing the others matters more
			}
		}
	}

	/** Messages in a consumer group's dead-letter queue; 0 when it has none (the topic does not exist). */
	long deadLettered(String consumerGroup) {
		return withAdmin((admin) -> admin.examineTopicStats(MixAll.getDLQTopic(consumerGroup))
			.getOffsetTable()
			.values()
			.stream()
			.mapToLong((offset) -> offset.getMaxOffset() - offset.getMinOffset())
			.sum(), 0L);
	}

	/**
	 * Messages the broker holds for a consumer group beyond the offsets the group committed; -1 when the broker
	 * cannot tell. Non-zero after settling means the messages are in the broker and were not consumed.
	 */
	long unconsumed(String consumerGroup) {
		return withAdmin((admin) -> admin.examineConsumeStats(consumerGroup).computeTotalDiff(), -1L);
	}

	private <T> T withAdmin(AdminQuery<T> query, T fallback) {
		DefaultMQAdminExt admin = new DefaultMQAdminExt();
		admin.setNamesrvAddr(nameServerAddress());
		admin.setInstanceName("fault-suite-" + UUID.randomUUID());
		try {
			admin.start();
			return query.ask(admin);
		}
		catch (Exception ex) {
			return fallback;
		}
		finally {
			admin.shutdown();
		}
	}

	/** No running broker became master in time. */
	static final class NoMasterElected extends IllegalStateException {

		NoMasterElected(String message) {
			super(message);
		}

	}

	private interface AdminQuery<T> {

		T ask(DefaultMQAdminExt admin) throws Exception;

	}

	private static void startProcess(ChildProcess process) {
		long offset = process.logLength();
		process.start(() -> process.logContains("READY", offset), Duration.ofSeconds(90));
	}

}
