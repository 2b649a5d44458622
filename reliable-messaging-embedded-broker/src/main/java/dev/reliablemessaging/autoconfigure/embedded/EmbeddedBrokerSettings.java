package dev.reliablemessaging.autoconfigure.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * How to run the embedded broker: built from {@link #of(Path)} and the {@code with...} methods.
 * @param storeDir where the name server's and the broker's files live
 * @param flushDiskType the broker's flush mode
 * @param nameServerPort the name server's port, 0 for a free one
 * @param brokerPorts the brokers' ports in the order of {@link EmbeddedRocketMq#brokerNames()}; 0 or none for a
 * free one
 * @param brokerName the broker's name
 * @param storeCustomizer a last say on the store settings (replication in tests, for example)
 * @param users access keys and secret keys of the users, when RocketMQ's authentication is on; empty for off
 * @param tlsOnly whether the name server and broker accept TLS connections only
 * @param brokerBindHost the loopback address the broker listens on (it advertises 127.0.0.1)
 * @param brokerId 0 for a master, 1 and up for its slaves
 * @param brokerGroups how many broker groups (each a master) share the name server and every topic created here
 * @param controllerMode whether each broker group is two replicas whose master a controller elects
 * @param controllerPort the controller's port in controller mode, 0 for a free one
 * @param autoCreateTopics whether the broker creates a topic when a client first sends to it; production brokers do
 * not, so neither does this one unless asked
 * @param grants when RocketMQ's authorization is on: per access key, what the user may do, as
 * {@code "Topic:orders=PUB,SUB"} or {@code "Group:warehouse=SUB"} ({@code *} and a trailing {@code *} match any and a
 * prefix); empty for authorization off
 * @param topics topics (name to queue count) every broker has before it first registers with the name server
 */
public record EmbeddedBrokerSettings(Path storeDir, FlushDiskType flushDiskType, int nameServerPort, List<Integer> brokerPorts,
		String brokerName, Consumer<MessageStoreConfig> storeCustomizer, Map<String, String> users, boolean tlsOnly,
		String brokerBindHost, long brokerId, int brokerGroups, boolean controllerMode,
		int controllerPort, boolean autoCreateTopics, Map<String, List<String>> grants, Map<String, Integer> topics) {

	private static final String LOOPBACK = "127.0.0.1";

	public EmbeddedBrokerSettings {
		brokerPorts = List.copyOf(brokerPorts);
		users = Map.copyOf(users);
		grants = Map.copyOf(grants);
		topics = Map.copyOf(topics);
	}

	public static EmbeddedBrokerSettings of(Path storeDir) {
		return new EmbeddedBrokerSettings(storeDir, FlushDiskType.SYNC_FLUSH, 0, List.of(), "embedded-broker", (store) -> {
		}, Map.of(), false, LOOPBACK, MixAll.MASTER_ID, 1, false, 0, false, Map.of(), Map.of());
	}

	public EmbeddedBrokerSettings withFlushDiskType(FlushDiskType type) {
		return new EmbeddedBrokerSettings(this.storeDir, type, this.nameServerPort, this.brokerPorts, this.brokerName,
				this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId, this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

	public EmbeddedBrokerSettings withStoreCustomizer(Consumer<MessageStoreConfig> customizer) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, customizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId, this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

	/** Turns on RocketMQ's authentication with these users (access key to secret key). */
	public EmbeddedBrokerSettings withUsers(Map<String, String> users) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, users, this.tlsOnly, this.brokerBindHost,
				this.brokerId, this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

	/**
	 * Binds the broker to another loopback address while it still advertises 127.0.0.1, so that a proxy on
	 * 127.0.0.1 and the same port stands between the broker and its clients.
	 */
	public EmbeddedBrokerSettings withBrokerBindHost(String host) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, host, this.brokerId, this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

	/** Makes this broker a slave (id 1 and up) of the master with the same name; set its role with the store. */
	public EmbeddedBrokerSettings withBrokerId(long id) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, id, this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

	/**
	 * Runs {@code groups} broker groups, each a single master named {@code <brokerName>-a}, {@code -b} ..., on one
	 * name server; topics created through {@link EmbeddedRocketMq#createTopic} get queues on every group.
	 */
	public EmbeddedBrokerSettings withBrokerGroups(int groups) {
		if (groups < 1 || groups > 26) {
			throw new IllegalArgumentException("Between 1 and 26 broker groups, not " + groups);
		}
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId,
				groups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

	/**
	 * Runs RocketMQ 5's controller mode: a controller in this JVM, and each broker group as two replicas (named
	 * {@code <group>#1} and {@code #2}) whose master the controller elects, and elects again when it dies. A message
	 * counts as stored only once every replica in the in-sync set has it ({@code allAckInSyncStateSet}).
	 */
	public EmbeddedBrokerSettings withControllerMode() {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId,
				this.brokerGroups, true, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

	/**
	 * Puts the name server, each broker (in the order of {@link EmbeddedRocketMq#brokerNames()}) and the controller
	 * on these ports, so that brokers in other JVMs, or started again, find each other: the fault suite runs each
	 * replica or group in a JVM of its own, from the same settings. 0 for a free port.
	 */
	public EmbeddedBrokerSettings withPorts(int nameServer, List<Integer> brokers, int controller) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, nameServer, brokers,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId,
				this.brokerGroups, this.controllerMode, controller, this.autoCreateTopics, this.grants, this.topics);
	}

	/**
	 * Lets the broker create a topic when a client first sends to it ({@code autoCreateTopicEnable}), as RocketMQ
	 * does by default and production clusters do not.
	 */
	public EmbeddedBrokerSettings withAutoCreateTopics(boolean autoCreate) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId,
				this.brokerGroups, this.controllerMode, this.controllerPort, autoCreate, this.grants, this.topics);
	}

	/**
	 * Turns RocketMQ's authorization on, with what each user of {@link #withUsers} may do: per access key, grants
	 * such as {@code "Topic:orders=PUB,SUB"} or {@code "Group:warehouse=SUB"}. A user without grants may do nothing.
	 */
	public EmbeddedBrokerSettings withGrants(Map<String, List<String>> grants) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId,
				this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, grants, this.topics);
	}

	/**
	 * Gives every broker these topics (name to queue count) before it first registers with the name server, as a
	 * broker restarting on a provisioned store has them: clients never see it without them. In controller mode every
	 * replica has them, so whichever is elected does.
	 */
	public EmbeddedBrokerSettings withTopics(Map<String, Integer> topics) {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId,
				this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, topics);
	}

	/** The port of the {@code index}th broker of {@link EmbeddedRocketMq#brokerNames()}, 0 for a free one. */
	int brokerPort(int index) {
		return (index < this.brokerPorts.size()) ? this.brokerPorts.get(index) : 0;
	}

	/**
	 * Makes the name server and broker accept TLS connections only, with the certificate RocketMQ's TLS settings
	 * name (a self-signed one in its test mode, the default).
	 */
	public EmbeddedBrokerSettings withTlsOnly() {
		return new EmbeddedBrokerSettings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPorts,
				this.brokerName, this.storeCustomizer, this.users, true, this.brokerBindHost, this.brokerId, this.brokerGroups, this.controllerMode, this.controllerPort, this.autoCreateTopics, this.grants, this.topics);
	}

}
