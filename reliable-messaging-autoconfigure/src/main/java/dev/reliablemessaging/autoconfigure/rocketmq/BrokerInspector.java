package dev.reliablemessaging.autoconfigure.rocketmq;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.heartbeat.HeartbeatData;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.jspecify.annotations.Nullable;

/**
 * Asks the name server and the brokers about themselves through the relay's producer: whether a broker answers,
 * and how each broker that serves the application's topics stores and replicates messages.
 */
public final class BrokerInspector {

	private static final long TIMEOUT_MILLIS = 3_000;

	private final DefaultMQProducer producer;

	public BrokerInspector(DefaultMQProducer producer) {
		this.producer = producer;
	}

	/**
	 * Whether the name server answers and at least one master broker accepts a heartbeat, the request every client
	 * sends and every client may send, signed like all of the client's requests.
	 * @throws Exception saying why not
	 */
	public void requireReachableBroker() throws Exception {
		MQClientInstance client = this.producer.getDefaultMQProducerImpl().getMqClientFactory();
		MQClientAPIImpl api = client.getMQClientAPIImpl();
		HeartbeatData heartbeat = new HeartbeatData();
		heartbeat.setClientID(client.getClientId());
		Exception failure = null;
		for (BrokerData broker : api.getBrokerClusterInfo(TIMEOUT_MILLIS).getBrokerAddrTable().values()) {
			String master = broker.selectBrokerAddr();
			if (master == null) {
				continue;
			}
			try {
				api.sendHeartbeat(master, heartbeat, TIMEOUT_MILLIS);
				return;
			}
			catch (Exception ex) {
				failure = ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
		throw new IllegalStateException("The name server knows no broker");
	}

	/**
	 * The storage settings of every broker serving one of {@code topics}; of every broker the name server knows
	 * when none of the topics has a route.
	 */
	List<BrokerDurability> durability(Set<String> topics) throws Exception {
		MQClientAPIImpl api = api();
		Set<String> brokerNames = new LinkedHashSet<>();
		for (String topic : topics) {
			TopicRouteData route;
			try {
				route = api.getTopicRouteInfoFromNameServer(topic, TIMEOUT_MILLIS);
			}
			catch (Exception ex) {
				continue; // not created yet: it has no broker to audit
			}
			route.getBrokerDatas().forEach((broker) -> brokerNames.add(broker.getBrokerName()));
		}
		ClusterInfo cluster = api.getBrokerClusterInfo(TIMEOUT_MILLIS);
		List<BrokerDurability> result = new ArrayList<>();
		for (BrokerData broker : new TreeMap<>(cluster.getBrokerAddrTable()).values()) {
			if (!brokerNames.isEmpty() && !brokerNames.contains(broker.getBrokerName())) {
				continue;
			}
			for (Map.Entry<Long, String> address : new TreeMap<>(broker.getBrokerAddrs()).entrySet()) {
				Properties config = api.getBrokerConfig(address.getValue(), TIMEOUT_MILLIS);
				result.add(BrokerDurability.of(broker.getBrokerName(), address.getValue(), config));
			}
		}
		return result;
	}

	/** Every master broker's address, by broker name. */
	public Map<String, String> masters() throws Exception {
		Map<String, String> masters = new TreeMap<>();
		for (BrokerData broker : api().getBrokerClusterInfo(TIMEOUT_MILLIS).getBrokerAddrTable().values()) {
			String master = broker.getBrokerAddrs().get(MixAll.MASTER_ID);
			if (master != null) {
				masters.put(broker.getBrokerName(), master);
			}
		}
		return masters;
	}

	/** A consumer group's retry queues on each master (the broker creates the group with its defaults if absent). */
	public Map<String, Integer> retryQueues(String consumerGroup) throws Exception {
		Map<String, Integer> queues = new TreeMap<>();
		for (Map.Entry<String, String> master : masters().entrySet()) {
			SubscriptionGroupConfig config = api().getSubscriptionGroupConfig(master.getValue(), consumerGroup,
					TIMEOUT_MILLIS);
			queues.put(master.getKey(), (config != null) ? config.getRetryQueueNums() : 0);
		}
		return queues;
	}

	/** The configuration of every master, by broker name. */
	public Map<String, Properties> masterConfigs() throws Exception {
		Map<String, Properties> configs = new TreeMap<>();
		for (Map.Entry<String, String> master : masters().entrySet()) {
			configs.put(master.getKey(), api().getBrokerConfig(master.getValue(), TIMEOUT_MILLIS));
		}
		return configs;
	}

	/** Whether a failure is the broker refusing the client's credentials (or their absence). */
	static boolean credentialsRefused(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if ((cause instanceof MQBrokerException broker && broker.getResponseCode() == ResponseCode.NO_PERMISSION)
					|| (cause instanceof MQClientException client
							&& client.getResponseCode() == ResponseCode.NO_PERMISSION)) {
				return true;
			}
		}
		return false;
	}

	/** What the broker said, without the client's own wrapping. */
	static String brokerMessage(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof MQBrokerException broker) {
				return broker.getErrorMessage();
			}
		}
		return failure.getClass().getSimpleName();
	}

	private MQClientAPIImpl api() {
		return this.producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl();
	}

	/**
	 * How one broker keeps messages, and what that risks.
	 * @param risk why this broker can lose acknowledged messages on a crash and what to set, or {@code null}
	 * @param note a weaker risk worth knowing (a lost disk), or {@code null}
	 */
	public record BrokerDurability(String brokerName, String address, String brokerRole, String flushDiskType,
			String replication, @Nullable String risk, @Nullable String note) {

		static BrokerDurability of(String brokerName, String address, Properties config) {
			String role = config.getProperty("brokerRole", "ASYNC_MASTER");
			String flush = config.getProperty("flushDiskType", "ASYNC_FLUSH");
			boolean controller = Boolean.parseBoolean(config.getProperty("enableControllerMode", "false"));
			boolean dledger = Boolean.parseBoolean(config.getProperty("enableDLegerCommitLog", "false"));
			String where = "Broker " + brokerName + " (" + address + ")";
			if (controller) {
				return controllerMode(brokerName, address, config, flush, where);
			}
			String replication = dledger ? "dledger" : "master-slave";
			// since RocketMQ 5 a SYNC_MASTER waits for inSyncReplicas copies, itself included: 1 means no slave
			int inSync = Integer.parseInt(config.getProperty("inSyncReplicas", "1"));
			boolean syncMaster = "SYNC_MASTER".equals(role);
			boolean syncReplication = dledger || (syncMaster && inSync >= 2);
			String setting = syncMaster ? "brokerRole=SYNC_MASTER and inSyncReplicas=" + inSync : "brokerRole=" + role;
			String risk = null;
			if ("ASYNC_FLUSH".equals(flush) && !syncReplication && !"SLAVE".equals(role)) {
				risk = where + " has flushDiskType=ASYNC_FLUSH and " + setting + ": it acknowledges a "
						+ "message while the message is only in memory, so a crash of its machine loses every "
						+ "acknowledged message not yet flushed. Set flushDiskType=SYNC_FLUSH, or replicate before "
						+ "acknowledging (brokerRole=SYNC_MASTER with a slave and inSyncReplicas=2, or controller "
						+ "mode with allAckInSyncStateSet=true).";
			}
			String note = null;
			if (!dledger && !"SLAVE".equals(role) && !syncReplication) {
				note = where + " has " + setting + ": it acknowledges a message on its own disk alone, so "
						+ "losing that disk loses what no slave has copied yet. Set brokerRole=SYNC_MASTER with a "
						+ "slave and inSyncReplicas=2, or use controller mode, to keep two copies before "
						+ "acknowledging.";
			}
			return new BrokerDurability(brokerName, address, role, flush, replication, risk, note);
		}

		/**
		 * RocketMQ 5's controller mode, where the role in the configuration is only the start-up role: a master
		 * acknowledges once every replica of its in-sync set has the message ({@code allAckInSyncStateSet=true}),
		 * else once {@code inSyncReplicas} replicas have it; {@code minInSyncReplicas} says how small the in-sync
		 * set may get before the master refuses writes.
		 */
		private static BrokerDurability controllerMode(String brokerName, String address, Properties config,
				String flush, String where) {
			boolean allAck = Boolean.parseBoolean(config.getProperty("allAckInSyncStateSet", "false"));
			int inSync = Integer.parseInt(config.getProperty("inSyncReplicas", "1"));
			int minInSync = Integer.parseInt(config.getProperty("minInSyncReplicas", "1"));
			String replication = "controller, " + (allAck ? "allAckInSyncStateSet=true, minInSyncReplicas=" + minInSync
					: "allAckInSyncStateSet=false, inSyncReplicas=" + inSync);
			boolean copiesBeforeAck = allAck || inSync >= 2;
			String risk = null;
			String note = null;
			if (!copiesBeforeAck) {
				if ("ASYNC_FLUSH".equals(flush)) {
					risk = where + " runs in controller mode with allAckInSyncStateSet=false, inSyncReplicas=" + inSync
							+ " and flushDiskType=ASYNC_FLUSH: it acknowledges a message while it is only in its own "
							+ "memory, so a crash of its machine loses every acknowledged message not yet flushed. Set "
							+ "allAckInSyncStateSet=true (or inSyncReplicas=2), or flushDiskType=SYNC_FLUSH.";
				}
				else {
					note = where + " runs in controller mode with allAckInSyncStateSet=false, inSyncReplicas=" + inSync
							+ ": it acknowledges a message on its own disk alone, so losing that disk, or a failover "
							+ "to a replica that had not copied it yet, loses it. Set allAckInSyncStateSet=true.";
				}
			}
			else if (allAck && minInSync < 2 && "ASYNC_FLUSH".equals(flush)) {
				risk = where + " runs in controller mode with allAckInSyncStateSet=true, minInSyncReplicas="
						+ minInSync + " and flushDiskType=ASYNC_FLUSH: while its in-sync set is the master alone (a "
						+ "replica fell behind or died) it acknowledges a message that is only in its memory. Set "
						+ "minInSyncReplicas=2 (writes are refused meanwhile; the relay retries them) or "
						+ "flushDiskType=SYNC_FLUSH.";
			}
			else if (allAck && minInSync < 2) {
				note = where + " runs in controller mode with allAckInSyncStateSet=true and minInSyncReplicas="
						+ minInSync + ": while its in-sync set is the master alone (a replica fell behind or died) it "
						+ "acknowledges with one copy, on its disk. minInSyncReplicas=2 refuses those writes instead (the relay retries them until a replica "
						+ "is back in sync), at the price of no writes to the group meanwhile.";
			}
			return new BrokerDurability(brokerName, address, "controller-elected", flush, replication, risk, note);
		}

	}

}
