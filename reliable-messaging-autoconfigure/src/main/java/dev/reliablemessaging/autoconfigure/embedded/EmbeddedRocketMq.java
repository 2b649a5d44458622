package dev.reliablemessaging.autoconfigure.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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

	private final Settings settings;

	private final int nameServerPort;

	private final int brokerPort;

	private final int haPort;

	private @Nullable NamesrvController nameServer;

	private @Nullable BrokerController broker;

	public EmbeddedRocketMq(Settings settings) {
		this.settings = settings;
		this.nameServerPort = (settings.nameServerPort() != 0) ? settings.nameServerPort() : freePort();
		this.brokerPort = (settings.brokerPort() != 0) ? settings.brokerPort() : freeBrokerPort();
		this.haPort = freePort();
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

	/** A free port whose neighbour two below (the broker's second, "fast" listener) is free too. */
	private static int freeBrokerPort() {
		for (int i = 0; i < 50; i++) {
			int port = freePort();
			if (port > 1026 && isFree(port - 2)) {
				return port;
			}
		}
		throw new IllegalStateException("Found no free pair of ports for the embedded RocketMQ broker");
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Found no free port", ex);
		}
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(HOST, port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * How to run the embedded broker.
	 * @param storeDir where the name server's and the broker's files live
	 * @param flushDiskType the broker's flush mode
	 * @param nameServerPort the name server's port, 0 for a free one
	 * @param brokerPort the broker's port, 0 for a free one
	 * @param brokerName the broker's name
	 * @param storeCustomizer a last say on the store settings (replication in tests, for example)
	 * @param users access keys and secret keys of the users, when RocketMQ's authentication is on; empty for off
	 * @param tlsOnly whether the name server and broker accept TLS connections only
	 * @param brokerBindHost the loopback address the broker listens on (it advertises 127.0.0.1)
	 * @param brokerId 0 for a master, 1 and up for its slaves
	 */
	public record Settings(Path storeDir, FlushDiskType flushDiskType, int nameServerPort, int brokerPort, String brokerName,
			Consumer<MessageStoreConfig> storeCustomizer, Map<String, String> users, boolean tlsOnly,
			String brokerBindHost, long brokerId) {

		public static Settings of(Path storeDir) {
			return new Settings(storeDir, FlushDiskType.SYNC_FLUSH, 0, 0, "embedded-broker", (store) -> {
			}, Map.of(), false, HOST, MixAll.MASTER_ID);
		}

		public Settings withFlushDiskType(FlushDiskType type) {
			return new Settings(this.storeDir, type, this.nameServerPort, this.brokerPort, this.brokerName,
					this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId);
		}

		public Settings withPorts(int nameServer, int broker) {
			return new Settings(this.storeDir, this.flushDiskType, nameServer, broker, this.brokerName,
					this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId);
		}

		public Settings withStoreCustomizer(Consumer<MessageStoreConfig> customizer) {
			return new Settings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPort,
					this.brokerName, customizer, this.users, this.tlsOnly, this.brokerBindHost, this.brokerId);
		}

		/** Turns on RocketMQ's authentication with these users (access key to secret key). */
		public Settings withUsers(Map<String, String> users) {
			return new Settings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPort,
					this.brokerName, this.storeCustomizer, Map.copyOf(users), this.tlsOnly, this.brokerBindHost, this.brokerId);
		}

		/**
		 * Makes the name server and broker accept TLS connections only, with the certificate RocketMQ's TLS settings
		 * name (a self-signed one in its test mode, the default).
		 */
		/**
		 * Binds the broker to another loopback address while it still advertises 127.0.0.1, so that a proxy on
		 * 127.0.0.1 and the same port stands between the broker and its clients.
		 */
		public Settings withBrokerBindHost(String host) {
			return new Settings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPort,
					this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, host, this.brokerId);
		}

		/** Makes this broker a slave (id 1 and up) of the master with the same name; set its role with the store. */
		public Settings withBrokerId(long id) {
			return new Settings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPort,
					this.brokerName, this.storeCustomizer, this.users, this.tlsOnly, this.brokerBindHost, id);
		}

		public Settings withTlsOnly() {
			return new Settings(this.storeDir, this.flushDiskType, this.nameServerPort, this.brokerPort,
					this.brokerName, this.storeCustomizer, this.users, true, this.brokerBindHost, this.brokerId);
		}

	}

}
