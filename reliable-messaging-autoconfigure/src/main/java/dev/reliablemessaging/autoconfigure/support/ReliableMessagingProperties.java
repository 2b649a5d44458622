package dev.reliablemessaging.autoconfigure.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.rocketmq.client.producer.SendStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the reliable messaging starter, under the prefix {@code reliable-messaging}.
 */
@ConfigurationProperties("reliable-messaging")
public class ReliableMessagingProperties {

	private final RocketMq rocketmq = new RocketMq();

	private final Outbox outbox = new Outbox();

	private final Relay relay = new Relay();

	private final Consumer consumer = new Consumer();

	private final Health health = new Health();

	public RocketMq getRocketmq() {
		return this.rocketmq;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	public Relay getRelay() {
		return this.relay;
	}

	public Consumer getConsumer() {
		return this.consumer;
	}

	public Health getHealth() {
		return this.health;
	}

	/** Connection to RocketMQ (the embedded broker has its own keys, in reliable-messaging-embedded-broker). */
	public static class RocketMq {

		/**
		 * Name server address(es), "host:port" separated by ';'. When absent and rocketmq-broker is on the
		 * classpath (reliable-messaging-embedded-broker), an embedded broker is started.
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

	/** The outbox and inbox tables. */
	public static class Outbox {

		/**
		 * Prefix of the starter's tables (outbox, inbox, schema history). A plain SQL identifier.
		 */
		private String tablePrefix = "rm_";

		/**
		 * Whether the starter creates and migrates its tables with its own Flyway history.
		 */
		private InitializeSchema initializeSchema = InitializeSchema.AUTO;

		/**
		 * Bean name of the DataSource that holds the outbox and inbox tables, when the application has several.
		 * Alternatively mark that DataSource with @OutboxDataSource; by default the single or primary one.
		 */
		private @Nullable String dataSource;

		public @Nullable String getDataSource() {
			return this.dataSource;
		}

		public void setDataSource(@Nullable String dataSource) {
			this.dataSource = dataSource;
		}

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		public InitializeSchema getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(InitializeSchema initializeSchema) {
			this.initializeSchema = initializeSchema;
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

	/** Whether the starter manages its own tables. */
	public enum InitializeSchema {

		/** Create and migrate the tables at start-up. */
		AUTO,

		/** Leave the tables to the application; the DDL is in the jar under dev/reliablemessaging/schema. */
		NEVER

	}

	/** The relay that sends outbox rows to RocketMQ. */
	public static class Relay {

		/**
		 * Whether this instance runs a relay. Publishing works either way.
		 */
		private boolean enabled = true;

		/**
		 * How often the relay looks for due rows when it has nothing to do.
		 */
		private Duration pollInterval = Duration.ofMillis(500);

		/**
		 * Most rows claimed and sent in one round.
		 */
		private int batchSize = 200;

		/**
		 * How long a claim lasts; a relay that has not finished by then loses the rows to another relay.
		 */
		private Duration lease = Duration.ofSeconds(30);

		/**
		 * Sends the broker refuses because of the message itself (illegal, too large, not permitted) after which a
		 * row becomes DEAD. Failures that say nothing about the message (no route, a refused connection, a timeout, a
		 * busy broker, an unconfirmed flush or replication) never count: rows wait out any outage.
		 */
		private int maxAttempts = 16;

		/**
		 * How long one statement of the relay may take; connections of the relay also time out on the network
		 * shortly after, so a half-open connection after a database failover cannot hang the relay.
		 */
		private Duration statementTimeout = Duration.ofSeconds(10);

		private final Backoff backoff = new Backoff();

		/**
		 * Send statuses that count as sent. Others are retried.
		 */
		private Set<SendStatus> acceptedSendStatuses = EnumSet.of(SendStatus.SEND_OK);

		/**
		 * Whether rows are sent right after their transaction commits, before the next poll.
		 */
		private boolean sendAfterCommit = true;

		/**
		 * How long SENT rows are kept; 0 deletes them as soon as they are sent.
		 */
		private Duration retention = Duration.ZERO;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public Duration getStatementTimeout() {
			return this.statementTimeout;
		}

		public void setStatementTimeout(Duration statementTimeout) {
			this.statementTimeout = statementTimeout;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Backoff getBackoff() {
			return this.backoff;
		}

		public Set<SendStatus> getAcceptedSendStatuses() {
			return this.acceptedSendStatuses;
		}

		public void setAcceptedSendStatuses(Set<SendStatus> acceptedSendStatuses) {
			this.acceptedSendStatuses = acceptedSendStatuses;
		}

		public boolean isSendAfterCommit() {
			return this.sendAfterCommit;
		}

		public void setSendAfterCommit(boolean sendAfterCommit) {
			this.sendAfterCommit = sendAfterCommit;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	/** Exponential backoff between failed sends of a row. */
	public static class Backoff {

		/**
		 * Delay after the first failure.
		 */
		private Duration initial = Duration.ofSeconds(1);

		/**
		 * Factor applied to the delay after each further failure.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between attempts.
		 */
		private Duration max = Duration.ofMinutes(5);

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

	}

	/** Consumers created for @ReliableListener methods. */
	public static class Consumer {

		/**
		 * How long inbox rows are kept to recognise duplicates; must exceed the longest redelivery schedule.
		 */
		private Duration dedupWindow = Duration.ofDays(7);

		/**
		 * Threads per listener that run handlers.
		 */
		private int threads = 8;

		/**
		 * Most messages a concurrent listener handles in one transaction, with one commit for all of them. When one
		 * of them fails, each is handled again in a transaction of its own and only the failed ones are redelivered.
		 * Orderly listeners handle one message per transaction.
		 */
		private int batchSize = 16;

		/**
		 * Where a consumer group that has no committed offset yet starts reading.
		 */
		private StartFrom startFrom = StartFrom.EARLIEST;

		/**
		 * How long stopping the application waits for running handlers to finish.
		 */
		private Duration shutdownWait = Duration.ofSeconds(30);

		/**
		 * Bean name of the transaction manager handlers run in, when several manage the DataSource of the inbox; by
		 * default the one that manages it. It must manage that DataSource: start-up checks.
		 */
		private @Nullable String transactionManager;

		public @Nullable String getTransactionManager() {
			return this.transactionManager;
		}

		public void setTransactionManager(@Nullable String transactionManager) {
			this.transactionManager = transactionManager;
		}

		public int getThreads() {
			return this.threads;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public StartFrom getStartFrom() {
			return this.startFrom;
		}

		public void setStartFrom(StartFrom startFrom) {
			this.startFrom = startFrom;
		}

		public Duration getShutdownWait() {
			return this.shutdownWait;
		}

		public void setShutdownWait(Duration shutdownWait) {
			this.shutdownWait = shutdownWait;
		}

		public Duration getDedupWindow() {
			return this.dedupWindow;
		}

		public void setDedupWindow(Duration dedupWindow) {
			this.dedupWindow = dedupWindow;
		}

	}

	/** Where a new consumer group starts reading a topic. */
	public enum StartFrom {

		/** The oldest message the broker still has: nothing published before the group existed is missed. */
		EARLIEST,

		/** New messages only. */
		LATEST

	}

	/** Thresholds of the reliableMessaging health indicator (with Spring Boot Actuator). */
	public static class Health {

		/**
		 * How long no broker may answer before health is DOWN.
		 */
		private Duration brokerUnreachableThreshold = Duration.ofMinutes(1);

		/**
		 * How old the oldest pending outbox row may be before health is DOWN.
		 */
		private Duration pendingAgeThreshold = Duration.ofMinutes(5);

		public Duration getBrokerUnreachableThreshold() {
			return this.brokerUnreachableThreshold;
		}

		public void setBrokerUnreachableThreshold(Duration brokerUnreachableThreshold) {
			this.brokerUnreachableThreshold = brokerUnreachableThreshold;
		}

		public Duration getPendingAgeThreshold() {
			return this.pendingAgeThreshold;
		}

		public void setPendingAgeThreshold(Duration pendingAgeThreshold) {
			this.pendingAgeThreshold = pendingAgeThreshold;
		}

	}

}
