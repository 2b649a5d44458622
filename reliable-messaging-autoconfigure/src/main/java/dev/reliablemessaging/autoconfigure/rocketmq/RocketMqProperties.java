package dev.reliablemessaging.autoconfigure.rocketmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Connection to RocketMQ, under {@code reliable-messaging.rocketmq} (the embedded broker has its own keys, in
 * reliable-messaging-embedded-broker).
 */
@ConfigurationProperties("reliable-messaging.rocketmq")
public class RocketMqProperties {

	/**
	 * Name server address(es), "host:port" separated by ';'. When absent and reliable-messaging-embedded-broker is
	 * on the classpath, an embedded broker is started.
	 */
	private @Nullable String nameServer;

	/**
	 * Producer group of the relay's producer. Defaults to spring.application.name.
	 */
	private @Nullable String producerGroup;

	/**
	 * How long a synchronous send may take before it counts as failed.
	 */
	private Duration sendTimeout = Duration.ofSeconds(3);

	/**
	 * How often clients ask the name server for topic routes: how soon they notice new topics and queues,
	 * such as a consumer group's retry topic after its first failure.
	 */
	private Duration routeRefreshInterval = Duration.ofSeconds(30);

	/**
	 * Largest message body accepted at publish time; must not exceed the broker's maxMessageSize.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(4);

	/**
	 * Number of queues for the topics the starter creates.
	 */
	private int topicQueues = 4;

	/**
	 * Topics to create at start-up in addition to those named on @ReliablePublish and @ReliableListener.
	 */
	private List<String> topics = new ArrayList<>();

	/**
	 * What the start-up audit of the brokers' flushDiskType and brokerRole does when a broker can lose
	 * acknowledged messages on a crash: warn, fail (stop start-up) or off.
	 */
	private DurabilityCheck durabilityCheck = DurabilityCheck.WARN;

	/**
	 * Access key (user name) the starter's clients sign every request with, when the broker authenticates
	 * clients (RocketMQ 5 authentication). Set together with secret-key.
	 */
	private @Nullable String accessKey;

	/**
	 * Secret key of the access key. Never logged nor shown; take it from the environment or a secret store.
	 */
	private @Nullable String secretKey;

	private final Tls tls = new Tls();

	public @Nullable String getAccessKey() {
		return this.accessKey;
	}

	public void setAccessKey(@Nullable String accessKey) {
		this.accessKey = accessKey;
	}

	public @Nullable String getSecretKey() {
		return this.secretKey;
	}

	public void setSecretKey(@Nullable String secretKey) {
		this.secretKey = secretKey;
	}

	public Tls getTls() {
		return this.tls;
	}

	public @Nullable String getNameServer() {
		return this.nameServer;
	}

	public void setNameServer(@Nullable String nameServer) {
		this.nameServer = nameServer;
	}

	public @Nullable String getProducerGroup() {
		return this.producerGroup;
	}

	public void setProducerGroup(@Nullable String producerGroup) {
		this.producerGroup = producerGroup;
	}

	public Duration getSendTimeout() {
		return this.sendTimeout;
	}

	public void setSendTimeout(Duration sendTimeout) {
		this.sendTimeout = sendTimeout;
	}

	public Duration getRouteRefreshInterval() {
		return this.routeRefreshInterval;
	}

	public void setRouteRefreshInterval(Duration routeRefreshInterval) {
		this.routeRefreshInterval = routeRefreshInterval;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public int getTopicQueues() {
		return this.topicQueues;
	}

	public void setTopicQueues(int topicQueues) {
		this.topicQueues = topicQueues;
	}

	public List<String> getTopics() {
		return this.topics;
	}

	public void setTopics(List<String> topics) {
		this.topics = topics;
	}

	public DurabilityCheck getDurabilityCheck() {
		return this.durabilityCheck;
	}

	public void setDurabilityCheck(DurabilityCheck durabilityCheck) {
		this.durabilityCheck = durabilityCheck;
	}


	/** TLS between the starter's clients and RocketMQ. */
	public static class Tls {

		/**
		 * Whether the clients talk TLS to the name server and brokers. Which certificates they trust is set with
		 * RocketMQ's own JVM-wide settings: tls.client.authServer and tls.client.trustCertPath.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/** What the broker durability audit does about a broker that can lose acknowledged messages. */
	public enum DurabilityCheck {

		/** Log a warning that names the setting and what to set instead. */
		WARN,

		/** Stop start-up. */
		FAIL,

		/** Do not audit. */
		OFF

	}

}
