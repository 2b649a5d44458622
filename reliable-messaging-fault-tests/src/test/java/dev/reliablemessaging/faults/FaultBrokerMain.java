package dev.reliablemessaging.faults;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.reliablemessaging.autoconfigure.embedded.EmbeddedBrokerSettings;
import dev.reliablemessaging.autoconfigure.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.store.config.BrokerRole;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * Runs one process of a {@link RocketMqProcesses.Topology} on the embedded broker, so the fault suite can kill it
 * with SIGKILL:
 * {@code FaultBrokerMain <topology> <process> <store dir> <name server port> <broker ports> <controller port>
 * <bind host> <topics>}. The process is {@code namesrv} (with the controller in controller mode), {@code master} or
 * {@code slave} of the SYNC_MASTER topology, or else a broker's name as {@link EmbeddedRocketMq#brokerNames()} gives
 * it; broker ports (all of the topology's, in its order) and topics are comma-separated. The brokers create no topics
 * on their own, as in production: each starts with the topics (four queues each) already provisioned, as on a store
 * an operator prepared, so no client ever sees it without them. Prints {@code READY} once it serves.
 */
public final class FaultBrokerMain {

	static final String NAME_SERVER = "namesrv";

	private FaultBrokerMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		RocketMqProcesses.Topology topology = RocketMqProcesses.Topology.valueOf(args[0].toUpperCase(Locale.ROOT));
		String process = args[1];
		List<Integer> brokerPorts = Arrays.stream(args[4].split(",")).map(Integer::valueOf).toList();
		if (topology == RocketMqProcesses.Topology.REPLICATED) {
			// the SYNC_MASTER and its slave are each the only broker of their own settings
			brokerPorts = List.of(brokerPorts.get(process.equals("slave") ? 1 : 0));
		}
		Map<String, Integer> topics = Arrays.stream(args[7].split(","))
			.collect(Collectors.toMap(Function.identity(), (topic) -> 4));
		EmbeddedBrokerSettings settings = settings(topology, process, Path.of(args[2]))
			.withPorts(Integer.parseInt(args[3]), brokerPorts, Integer.parseInt(args[5]))
			.withBrokerBindHost(args[6])
			.withTopics(topics);
		EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(settings);
		if (process.equals(NAME_SERVER)) {
			rocketMq.startNameServer();
		}
		else {
			rocketMq.startBroker(brokerName(topology, process));
		}
		System.out.println("READY");
		System.out.flush();
		Thread.currentThread().join();
	}

	private static EmbeddedBrokerSettings settings(RocketMqProcesses.Topology topology, String process, Path store) {
		EmbeddedBrokerSettings settings = EmbeddedBrokerSettings.of(store);
		return switch (topology) {
			case SINGLE -> settings;
			case REPLICATED -> process.equals("slave") ? settings.withBrokerId(1).withStoreCustomizer((config) -> {
				config.setBrokerRole(BrokerRole.SLAVE);
				syncReplication(config);
			}) : settings.withStoreCustomizer((config) -> {
				config.setBrokerRole(BrokerRole.SYNC_MASTER);
				syncReplication(config);
			});
			case CONTROLLER -> settings.withControllerMode();
			case TWO_GROUPS -> settings.withBrokerGroups(2);
		};
	}

	private static void syncReplication(MessageStoreConfig config) {
		config.setTotalReplicas(2);
		config.setInSyncReplicas(2);
		config.setSyncFlushTimeout(1_000);
	}

	/** A SYNC_MASTER and its slave are brokers of one name, each the only broker of its own settings. */
	private static String brokerName(RocketMqProcesses.Topology topology, String process) {
		return (topology == RocketMqProcesses.Topology.REPLICATED) ? "embedded-broker" : process;
	}

}
