package dev.reliablemessaging.autoconfigure.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.rocketmq.auth.authentication.enums.UserType;
import org.apache.rocketmq.auth.authentication.model.User;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.common.TlsMode;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real RocketMQ name server and broker running in this JVM, on loopback ports, with a persistent store. The
 * name server and the broker start and stop separately, so that a test can run a name server whose broker is down.
 */
public final class EmbeddedRocketMq implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedRocketMq.class);

	private static final String HOST = "127.0.0.1";

	private static final String CLUSTER = "reliable-messaging";

	private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(30);

	private static final int COMMIT_LOG_FILE_SIZE = 64 * 1024 * 1024;

	private static final int CONSUME_QUEUE_FILE_SIZE = 300_000 * 20;

	private final EmbeddedBrokerSettings settings;

	private final int nameServerPort;

	private final int brokerPort;

	private final int haPort;

	private @Nullable NamesrvController nameServer;

	private @Nullable BrokerController broker;

	public EmbeddedRocketMq(EmbeddedBrokerSettings settings) {
		this.settings = settings;
		this.nameServerPort = (settings.nameServerPort() != 0) ? settings.nameServerPort() : LoopbackPorts.free();
		this.brokerPort = (settings.brokerPort() != 0) ? settings.brokerPort() : LoopbackPorts.freeForBroker();
		this.haPort = LoopbackPorts.free();
	}

	/** Starts the name server and the broker and waits until the broker is registered. */
	public EmbeddedRocketMq start() {
		startNameServer();
		startBroker();
		return this;
	}

	public synchronized void startNameServer() {
		if (this.nameServer != null) {
			return;
		}
		Path dir = directory("namesrv");
		NamesrvConfig config = new NamesrvConfig();
		config.setKvConfigPath(dir.resolve("kvConfig.json").toString());
		config.setConfigStorePath(dir.resolve("namesrv.properties").toString());
		NettyServerConfig server = new NettyServerConfig();
		server.setBindAddress(HOST);
		server.setListenPort(this.nameServerPort);
		this.nameServer = withTlsMode(() -> {
			NamesrvController controller = new NamesrvController(config, server, new NettyClientConfig());
			if (!controller.initialize()) {
				throw new IllegalStateException("The embedded RocketMQ name server did not initialize");
			}
			try {
				controller.start();
			}
			catch (Exception ex) {
				controller.shutdown();
				throw new IllegalStateException("The embedded RocketMQ name server did not start on port "
						+ this.nameServerPort, ex);
			}
			return controller;
		});
	}

	public synchronized void startBroker() {
		if (this.broker != null) {
			return;
		}
		Path dir = directory("broker");
		BrokerConfig brokerConfig = new BrokerConfig();
		brokerConfig.setBrokerName(this.settings.brokerName());
		brokerConfig.setBrokerId(this.settings.brokerId());
		brokerConfig.setBrokerClusterName(CLUSTER);
		brokerConfig.setNamesrvAddr(nameServerAddress());
		brokerConfig.setBrokerIP1(HOST);
		brokerConfig.setBrokerIP2(HOST);
		brokerConfig.setListenPort(this.brokerPort);
		brokerConfig.setAutoCreateTopicEnable(true);
		brokerConfig.setAutoCreateSubscriptionGroup(true);
		brokerConfig.setEnablePropertyFilter(true);
		brokerConfig.setRegisterNameServerPeriod(10_000);
		NettyServerConfig server = new NettyServerConfig();
		server.setBindAddress(this.settings.brokerBindHost());
		server.setListenPort(this.brokerPort);
		MessageStoreConfig store = new MessageStoreConfig();
		store.setStorePathRootDir(dir.toString());
		store.setStorePathCommitLog(dir.resolve("commitlog").toString());
		store.setFlushDiskType(this.settings.flushDiskType());
		store.setMappedFileSizeCommitLog(COMMIT_LOG_FILE_SIZE);
		store.setMappedFileSizeConsumeQueue(CONSUME_QUEUE_FILE_SIZE);
		store.setMappedFileSizeTimerLog(COMMIT_LOG_FILE_SIZE);
		store.setHaListenPort(this.haPort);
		store.setDiskMaxUsedSpaceRatio(95);
		this.settings.storeCustomizer().accept(store);
		NettyClientConfig client = new NettyClientConfig();
		client.setUseTLS(this.settings.tlsOnly());
		AuthConfig auth = authentication(dir);
		BrokerController controller = withTlsMode(() -> {
			BrokerController started = (auth != null) ? new BrokerController(brokerConfig, server, client, store, auth)
					: new BrokerController(brokerConfig, server, client, store);
			try {
				if (!started.initialize()) {
					throw new IllegalStateException("initialize() returned false");
				}
				started.start();
				this.settings.users()
					.forEach((accessKey, secretKey) -> started.getAuthenticationMetadataManager()
						.createUser(User.of(accessKey, secretKey, UserType.NORMAL))
						.join());
			}
			catch (Exception ex) {
				started.shutdown();
				throw new IllegalStateException("The embedded RocketMQ broker did not start on port " + this.brokerPort
						+ " with store " + dir, ex);
			}
			return started;
		});
		this.broker = controller;
		awaitRegistration(controller);
		logger.info("Embedded RocketMQ broker started: name server {}, broker {}:{}, store {}, {}",
				nameServerAddress(), HOST, this.brokerPort, dir, this.settings.flushDiskType());
	}

	/** RocketMQ's authentication with a user store of this start's own, or {@code null} when it has no users. */
	private @Nullable AuthConfig authentication(Path dir) {
		if (this.settings.users().isEmpty()) {
			return null;
		}
		// RocketMQ caches authentication state per config name and store path for the life of the JVM
		String instance = UUID.randomUUID().toString();
		AuthConfig auth = new AuthConfig();
		auth.setConfigName(this.settings.brokerName() + "-" + instance);
		auth.setClusterName(CLUSTER);
		auth.setAuthConfigPath(dir.resolve("auth-" + instance).toString());
		auth.setAuthenticationEnabled(true);
		auth.setAuthenticationMetadataProvider(
				"org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider");
		return auth;
	}

	/**
	 * Builds and starts a server in TLS-only mode when the settings ask for it; RocketMQ reads the JVM-wide mode
	 * while it builds and starts a server, so it is set for that long only.
	 */
	private <T> T withTlsMode(Supplier<T> server) {
		if (!this.settings.tlsOnly()) {
			return server.get();
		}
		synchronized (TlsSystemConfig.class) {
			TlsMode previous = TlsSystemConfig.tlsMode;
			TlsSystemConfig.tlsMode = TlsMode.ENFORCING;
			try {
				return server.get();
			}
			finally {
				TlsSystemConfig.tlsMode = previous;
			}
		}
	}

	/**
	 * Waits until a client can route the broker's default topic, so that clients can use the broker at once. The
	 * broker's own first registration may leave its topics out, so this registers again until they are routed.
	 */
	private void awaitRegistration(BrokerController controller) {
		DefaultMQProducer client = new DefaultMQProducer("embedded-broker-check");
		client.setNamesrvAddr(nameServerAddress());
		client.setUseTLS(this.settings.tlsOnly());
		client.setInstanceName("embedded-broker-check-" + UUID.randomUUID());
		try {
			client.start();
			long deadline = System.nanoTime() + REGISTRATION_WAIT.toNanos();
			while (!routable(client)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The embedded RocketMQ broker did not register with its name "
							+ "server within " + REGISTRATION_WAIT);
				}
				controller.registerBrokerAll(true, false, true);
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

	private static boolean routable(DefaultMQProducer client) {
		try {
			return !client.fetchPublishMessageQueues(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC).isEmpty();
		}
		catch (MQClientException ex) {
			return false;
		}
	}

	/**
	 * Creates a topic with {@code queues} read and write queues on the running broker, or leaves it as it is when it
	 * exists, and registers it with the name server so that clients can route it at once.
	 */
	public synchronized void createTopic(String topic, int queues) {
		BrokerController controller = this.broker;
		if (controller == null) {
			throw new IllegalStateException("Cannot create topic '" + topic + "': the embedded broker is stopped");
		}
		if (controller.getTopicConfigManager().selectTopicConfig(topic) != null) {
			return;
		}
		controller.getTopicConfigManager()
			.updateTopicConfig(new TopicConfig(topic, queues, queues, PermName.PERM_READ | PermName.PERM_WRITE));
		controller.registerBrokerAll(true, false, true);
	}

	public synchronized void stopBroker() {
		if (this.broker != null) {
			this.broker.shutdown();
			this.broker = null;
		}
	}

	@Override
	public synchronized void close() {
		stopBroker();
		if (this.nameServer != null) {
			this.nameServer.shutdown();
			this.nameServer = null;
		}
	}

	public String nameServerAddress() {
		return HOST + ":" + this.nameServerPort;
	}

	public @Nullable BrokerController broker() {
		return this.broker;
	}

	private Path directory(String name) {
		Path dir = this.settings.storeDir().resolve(name).toAbsolutePath();
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the embedded RocketMQ directory " + dir, ex);
		}
		return dir;
	}

}
