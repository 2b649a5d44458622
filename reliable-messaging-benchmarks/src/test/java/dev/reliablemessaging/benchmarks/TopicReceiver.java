package dev.reliablemessaging.benchmarks;

import java.util.UUID;
import java.util.function.Consumer;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A plain RocketMQ consumer of a group of its own that hands every message of a topic to a callback as it arrives.
 */
final class TopicReceiver implements AutoCloseable {

	private final DefaultMQPushConsumer consumer;

	private TopicReceiver(String nameServer, String topic, Consumer<MessageExt> onReceipt) {
		this.consumer = new DefaultMQPushConsumer("bench-receiver-" + UUID.randomUUID().toString().substring(0, 8));
		this.consumer.setNamesrvAddr(nameServer);
		this.consumer.setInstanceName("bench-receiver-" + UUID.randomUUID());
		this.consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		try {
			this.consumer.subscribe(topic, "*");
			this.consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
				messages.forEach(onReceipt);
				return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
			});
			this.consumer.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start a receiver of topic " + topic, ex);
		}
	}

	static TopicReceiver receive(String nameServer, String topic, Consumer<MessageExt> onReceipt) {
		return new TopicReceiver(nameServer, topic, onReceipt);
	}

	@Override
	public void close() {
		this.consumer.shutdown();
	}

}
