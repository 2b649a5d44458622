package dev.reliablemessaging.autoconfigure.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.store.config.BrokerRole;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RocketMQ broker in this JVM, registered with a name server, on a persistent store and on ports that stay the same
 * across restarts.
 */
final class EmbeddedBroker {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedRocketMq.class);

	static final String CLUSTER = "reliable-messaging";

	private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(60);

	private static final int COMMIT_LOG_FILE_SIZE = 64 * 1024 * 1024;

	private static final int CONSUME_QUEUE_FILE_SIZE = 300_000 * 20;

	private final EmbeddedBrokerSettings settings;

	/** How the facade names this broker: its group's name, with {@code #1}, {@code #2} for replicas. */
	private final String name;

	private final String brokerName;

	private final String nameServer;

	private final Path dir;

	private final int port;

	private final int haPort;

	/** The controller's address in controller mode, else {@code null}. */
	private final @Nullable String controllerAddress;

	private @Nullable BrokerController controller;

	EmbeddedBroker(EmbeddedBrokerSettings settings, String name, String brokerName, String nameServer, Path dir,
			int port, int haPort, @Nullable String controllerAddress) {
		this.settings = settings;
		this.name = name;
		this.brokerName = brokerName;
		this.controllerAddress = controllerAddress;
		this.nameServer = nameServer;
		this.dir = dir;
		this.port = port;
		this.haPort = haPort;
	}

	synchronized void start() {
		if (this.controller != null) {
			return;
		}
		BrokerConfig brokerConfig = new BrokerConfig();
		brokerConfig.setBrokerName(this.brokerName);
		brokerConfig.setBrokerId(this.settings.brokerId());
		brokerConfig.setBrokerClusterName(CLUSTER);
		brokerConfig.setNamesrvAddr(this.nameServer);
		brokerConfig.setBrokerIP1(EmbeddedRocketMq.HOST);
		brokerConfig.setBrokerIP2(EmbeddedRocketMq.HOST);
		brokerConfig.setListenPort(this.port);
		brokerConfig.setAutoCreateTopicEnable(this.settings.autoCreateTopics());
		brokerConfig.setAutoCreateSubscriptionGroup(true);
		brokerConfig.setEnablePropertyFilter(true);
		brokerConfig.setRegisterNameServerPeriod(10_000);
		NettyServerConfig server = new NettyServerConfig();
		server.setBindAddress(this.settings.brokerBindHost());
		server.setListenPort(this.port);
		MessageStoreConfig store = new MessageStoreConfig();
		store.setStorePathRootDir(this.dir.toString());
		store.setStorePathCommitLog(this.dir.resolve("commitlog").toString());
		store.setFlushDiskType(this.settings.flushDiskType());
		store.setMappedFileSizeCommitLog(COMMIT_LOG_FILE_SIZE);
		store.setMappedFileSizeConsumeQueue(CONSUME_QUEUE_FILE_SIZE);
		store.setMappedFileSizeTimerLog(COMMIT_LOG_FILE_SIZE);
		store.setHaListenPort(this.haPort);
		store.setDiskMaxUsedSpaceRatio(95);
		if (this.controllerAddress != null) {
			controllerMode(brokerConfig, store, this.controllerAddress);
		}
		this.settings.storeCustomizer().accept(store);
		NettyClientConfig client = new NettyClientConfig();
		client.setUseTLS(this.settings.tlsOnly());
		AuthConfig auth = BrokerAccess.config(this.settings, this.name, this.dir);
		BrokerController started = TlsOnly.when(this.settings.tlsOnly(), () -> {
			BrokerController broker = (auth != null) ? new BrokerController(brokerConfig, server, client, store, auth)
					: new BrokerController(brokerConfig, server, client, store);
			try {
				if (!broker.initialize()) {
					throw new IllegalStateException("initialize() returned false");
				}
				this.settings.topics().forEach((topic, queues) -> {
					if (broker.getTopicConfigManager().selectTopicConfig(topic) == null) {
						broker.getTopicConfigManager()
							.updateTopicConfig(new TopicConfig(topic, queues, queues, PermName.PERM_READ | PermName.PERM_WRITE));
					}
				});
				broker.start();
				BrokerAccess.createUsersAndGrants(broker, this.settings);
			}
			catch (Exception ex) {
				broker.shutdown();
				throw new IllegalStateException("The embedded RocketMQ broker did not start on port " + this.port
						+ " with store " + this.dir, ex);
			}
			return broker;
		});
		this.controller = started;
		awaitRegistration(started);
		logger.info("Embedded RocketMQ broker {} started: name server {}, broker {}:{}, store {}, {}", this.name,
				this.nameServer, EmbeddedRocketMq.HOST, this.port, this.dir, this.settings.flushDiskType());
	}

	/**
	 * A replica of a broker group whose master the controller elects: it starts as a slave, its store acknowledges a
	 * message once every replica in the in-sync set has it, and a dead master is noticed within seconds.
	 */
	private void controllerMode(BrokerConfig brokerConfig, MessageStoreConfig store, String controllerAddress) {
		brokerConfig.setEnableControllerMode(true);
		brokerConfig.setControllerAddr(controllerAddress);
		brokerConfig.setSyncBrokerMetadataPeriod(1_000);
		brokerConfig.setCheckSyncStateSetPeriod(1_000);
		brokerConfig.setBrokerHeartbeatInterval(500);
		brokerConfig.setControllerHeartBeatTimeoutMills(3_000);
		store.setBrokerRole(BrokerRole.SLAVE);
		store.setStorePathEpochFile(this.dir.resolve("epoch").toString());
		store.setStorePathBrokerIdentity(this.dir.resolve("identity").toString());
		store.setAllAckInSyncStateSet(true);
		store.setTotalReplicas(2);
		store.setInSyncReplicas(2);
		store.setMinInSyncReplicas(1);
		store.setHaSendHeartbeatInterval(500);
		store.setHaMaxTimeSlaveNotCatchup(3_000);
	}

	/**
	 * Waits until the name server lists this broker and a client can route its self-test topic, so that clients can
	 * use the broker at once. The first registration of a broker of its own may leave its topics out, so this
	 * registers again until they are routed; in controller mode registration is the replica's own business.
	 */
	private void awaitRegistration(BrokerController started) {
		DefaultMQProducer client = new DefaultMQProducer("embedded-broker-check");
		client.setNamesrvAddr(this.nameServer);
		client.setUseTLS(this.settings.tlsOnly());
		client.setInstanceName("embedded-broker-check-" + UUID.randomUUID());
		try {
			client.start();
			long deadline = System.nanoTime() + REGISTRATION_WAIT.toNanos();
			while (!listed(client) || !routable(client)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The embedded RocketMQ broker " + this.name + " did not register "
							+ "with its name server within " + REGISTRATION_WAIT);
				}
				if (this.controllerAddress == null) {
					started.registerBrokerAll(true, false, true);
				}
				Thread.sleep(200);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the embedded broker", ex);
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("Could not check the embedded broker's registration", ex);
		}
		finally {
			client.shutdown();
		}
	}

	/** Whether the name server lists this broker's address under its group. */
	private boolean listed(DefaultMQProducer client) {
		try {
			BrokerData group = client.getDefaultMQProducerImpl()
				.getMqClientFactory()
				.getMQClientAPIImpl()
				.getBrokerClusterInfo(3_000)
				.getBrokerAddrTable()
				.get(this.brokerName);
			return group != null && group.getBrokerAddrs().containsValue(EmbeddedRocketMq.HOST + ":" + this.port);
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static boolean routable(DefaultMQProducer client) {
		try {
			// a topic every broker has, whether or not it creates topics on first use
			return !client.fetchPublishMessageQueues(TopicValidator.RMQ_SYS_SELF_TEST_TOPIC).isEmpty();
		}
		catch (MQClientException ex) {
			return false;
		}
	}

	/**
	 * Creates a topic with {@code queues} read and write queues, or leaves it as it is when it exists, and registers
	 * it with the name server so that clients can route it at once.
	 */
	synchronized void createTopic(String topic, int queues) {
		BrokerController started = this.controller;
		if (started == null) {
			throw new IllegalStateException("Cannot create topic '" + topic + "': the embedded broker is stopped");
		}
		if (started.getTopicConfigManager().selectTopicConfig(topic) != null) {
			return;
		}
		started.getTopicConfigManager()
			.updateTopicConfig(new TopicConfig(topic, queues, queues, PermName.PERM_READ | PermName.PERM_WRITE));
		started.registerBrokerAll(true, false, true);
	}

	synchronized void stop() {
		if (this.controller != null) {
			this.controller.shutdown();
			this.controller = null;
		}
	}

	String name() {
		return this.name;
	}

	/** Whether this broker is running and its group's master (in controller mode: the elected one). */
	boolean isMaster() {
		BrokerController started = this.controller;
		if (started == null) {
			return false;
		}
		return (this.controllerAddress != null) ? started.getReplicasManager().isMasterState()
				: started.getMessageStoreConfig().getBrokerRole() != BrokerRole.SLAVE;
	}

	@Nullable BrokerController controller() {
		return this.controller;
	}

}
