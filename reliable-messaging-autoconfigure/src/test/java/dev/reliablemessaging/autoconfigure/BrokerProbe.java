package dev.reliablemessaging.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.reliablemessaging.autoconfigure.support.MessageHeaders;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

import static org.awaitility.Awaitility.await;

/**
 * A plain RocketMQ consumer that records every message of a topic, to check what really reached the broker.
 */
public final class BrokerProbe implements AutoCloseable {

	private final DefaultMQPushConsumer consumer;

	private final List<MessageExt> received = new CopyOnWriteArrayList<>();

	private final Consumer<MessageExt> onReceipt;

	private BrokerProbe(String nameServer, String topic, boolean orderly, Consumer<MessageExt> onReceipt) {
		this(nameServer, topic, orderly, onReceipt, null);
	}

	private BrokerProbe(String nameServer, String topic, boolean orderly, Consumer<MessageExt> onReceipt,
			org.apache.rocketmq.remoting.RPCHook credentials) {
		this.onReceipt = onReceipt;
		this.consumer = new DefaultMQPushConsumer("probe-" + UUID.randomUUID().toString().substring(0, 8),
				credentials);
		this.consumer.setNamesrvAddr(nameServer);
		this.consumer.setInstanceName("probe-" + UUID.randomUUID());
		this.consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		this.consumer.setPollNameServerInterval(500);
		try {
			this.consumer.subscribe(topic, "*");
			if (orderly) {
				this.consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
					receive(messages);
					return ConsumeOrderlyStatus.SUCCESS;
				});
			}
			else {
				this.consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
					receive(messages);
					return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
				});
			}
			this.consumer.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		awaitQueues(topic);
	}

	/**
	 * Waits until the probe holds every queue of the topic, when the topic exists already, so that what a test sends
	 * next cannot race the probe's first rebalance. A topic created later is picked up by the rebalance as usual.
	 */
	private void awaitQueues(String topic) {
		Set<MessageQueue> queues;
		try {
			queues = new HashSet<>(this.consumer.fetchSubscribeMessageQueues(topic));
		}
		catch (Exception ex) {
			return;
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.consumer.getDefaultMQPushConsumerImpl()
				.getRebalanceImpl()
				.getProcessQueueTable()
				.keySet()
				.containsAll(queues));
	}

	private void receive(List<MessageExt> messages) {
		messages.forEach(this.onReceipt);
		this.received.addAll(messages);
	}

	public static BrokerProbe consume(String nameServer, String topic) {
		return new BrokerProbe(nameServer, topic, false, (message) -> {
		});
	}

	/** A probe that also hands each message to {@code onReceipt} as it arrives. */
	public static BrokerProbe consume(String nameServer, String topic, Consumer<MessageExt> onReceipt) {
		return new BrokerProbe(nameServer, topic, false, onReceipt);
	}

	/** A probe that signs its requests, for a broker with authentication and authorization on. */
	public static BrokerProbe consume(String nameServer, String topic, String accessKey, String secretKey) {
		return new BrokerProbe(nameServer, topic, false, (message) -> {
		}, new org.apache.rocketmq.acl.common.AclClientRPCHook(
				new org.apache.rocketmq.acl.common.SessionCredentials(accessKey, secretKey)));
	}

	public static BrokerProbe consumeOrderly(String nameServer, String topic) {
		return new BrokerProbe(nameServer, topic, true, (message) -> {
		});
	}

	public List<MessageExt> received() {
		return this.received;
	}

	/** Outbox message ids of the received messages, with how often each arrived. */
	public Map<String, Long> countsByMessageId() {
		return this.received.stream()
			.collect(Collectors.groupingBy((m) -> m.getUserProperty(MessageHeaders.MESSAGE_ID),
					ConcurrentHashMap::new, Collectors.counting()));
	}

	/** The queues this probe was given and how far it consumed each, against the broker's end: for failure messages. */
	public String describe() {
		StringBuilder text = new StringBuilder("received " + this.received.size() + "; queues:");
		var impl = this.consumer.getDefaultMQPushConsumerImpl();
		impl.getRebalanceImpl().getProcessQueueTable().forEach((queue, process) -> {
			long end;
			try {
				end = impl.maxOffset(queue);
			}
			catch (Exception ex) {
				end = -1;
			}
			text.append(' ').append(queue.getBrokerName()).append('/').append(queue.getQueueId()).append(" consumed ")
				.append(impl.getOffsetStore().readOffset(queue, ReadOffsetType.READ_FROM_MEMORY))
				.append(" of ").append(end).append(process.isDropped() ? " (dropped)" : "");
		});
		return text.toString();
	}

	public static String body(MessageExt message) {
		return new String(message.getBody(), StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.consumer.shutdown();
	}

}
