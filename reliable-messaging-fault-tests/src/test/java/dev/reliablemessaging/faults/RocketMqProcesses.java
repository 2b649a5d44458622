package dev.reliablemessaging.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * A RocketMQ name server and broker (optionally a SYNC_MASTER with its slave), each in a JVM of its own with a
 * persistent store, on fixed ports so a broker started again after a kill is the same broker. The broker listens on
 * 127.0.0.2 behind a {@link CuttableProxy} on 127.0.0.1, the address it advertises, so the network to it can be cut.
 */
final class RocketMqProcesses {

	private static final String BROKER_HOST = "127.0.0.2";

	private final ChildProcess nameServer;

	private final ChildProcess broker;

	private final ChildProcess slave;

	private final int nameServerPort;

	private final int brokerPort;

	private CuttableProxy proxy;

	/**
	 * @param slavePort the slave's port, or 0 for a broker without a slave
	 */
	RocketMqProcesses(Path directory, int nameServerPort, int brokerPort, int slavePort) {
		this.nameServerPort = nameServerPort;
		this.brokerPort = brokerPort;
		String store = directory.resolve("rocketmq").toString();
		String ns = String.valueOf(nameServerPort);
		String main = FaultBrokerMain.class.getName();
		this.nameServer = new ChildProcess("name server",
				ChildProcess.java("256m", main, "namesrv", store, ns, "0", "127.0.0.1"), Map.of(),
				directory.resolve("namesrv.log"));
		this.broker = new ChildProcess("broker", ChildProcess.java("768m", main, (slavePort > 0) ? "master" : "broker",
				store, ns, String.valueOf(brokerPort), BROKER_HOST), Map.of(), directory.resolve("broker.log"));
		this.slave = (slavePort > 0) ? new ChildProcess("slave",
				ChildProcess.java("768m", main, "slave", directory.resolve("rocketmq-slave").toString(), ns,
						String.valueOf(slavePort), "127.0.0.1"),
				Map.of(), directory.resolve("slave.log")) : null;
	}

	void start() throws IOException {
		startProcess(this.nameServer);
		this.proxy = new CuttableProxy(new InetSocketAddress(CuttableProxy.loopback(1), this.brokerPort),
				new InetSocketAddress(CuttableProxy.loopback(2), this.brokerPort));
		startBroker();
		if (this.slave != null) {
			startSlave();
		}
	}

	void startBroker() {
		startProcess(this.broker);
	}

	void killBroker() {
		this.broker.kill();
	}

	void startSlave() {
		startProcess(this.slave);
	}

	void killSlave() {
		this.slave.kill();
	}

	CuttableProxy network() {
		return this.proxy;
	}

	String nameServerAddress() {
		return "127.0.0.1:" + this.nameServerPort;
	}

	void stop() throws IOException {
		if (this.slave != null) {
			this.slave.stop();
		}
		this.broker.stop();
		this.nameServer.stop();
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	/** Messages in a consumer group's dead-letter queue; 0 when it has none (the topic does not exist). */
	long deadLettered(String consumerGroup) {
		return withAdmin((admin) -> admin.examineTopicStats(MixAll.getDLQTopic(consumerGroup))
			.getOffsetTable()
			.values()
			.stream()
			.mapToLong((offset) -> offset.getMaxOffset() - offset.getMinOffset())
			.sum(), 0);
	}

	/**
	 * Messages the broker holds for a consumer group beyond the offsets the group committed; -1 when the broker
	 * cannot tell. Non-zero after settling means the messages are in the broker and were not consumed.
	 */
	long unconsumed(String consumerGroup) {
		return withAdmin((admin) -> admin.examineConsumeStats(consumerGroup).computeTotalDiff(), -1);
	}

	private long withAdmin(AdminQuery query, long fallback) {
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

	private interface AdminQuery {

		long ask(DefaultMQAdminExt admin) throws Exception;

	}

	private static void startProcess(ChildProcess process) {
		long offset = process.logLength();
		process.start(() -> process.logContains("READY", offset), Duration.ofSeconds(90));
	}

}
