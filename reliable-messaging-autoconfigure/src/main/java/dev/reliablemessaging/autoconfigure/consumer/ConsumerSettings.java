package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.Set;

import dev.reliablemessaging.autoconfigure.support.PropertyChecks;
import dev.reliablemessaging.autoconfigure.rocketmq.RocketMqProperties;
import dev.reliablemessaging.autoconfigure.rocketmq.SendStatusProperties;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/**
 * Settings shared by the starter's consumers, checked once.
 */
record ConsumerSettings(int threads, int batchSize, ConsumeFromWhere consumeFromWhere, Duration shutdownWait,
		Duration dedupWindow, Duration sendTimeout, Set<SendStatus> acceptedSendStatuses, int parkAfterFailures) {

	static ConsumerSettings from(ConsumerProperties consumer, RocketMqProperties rocketmq,
			SendStatusProperties sendStatuses) {
		String prefix = "reliable-messaging.consumer.";
		PropertyChecks.between(prefix + "threads", consumer.getThreads(), 1, 256);
		PropertyChecks.between(prefix + "batch-size", consumer.getBatchSize(), 1, 256);
		PropertyChecks.positive(prefix + "dedup-window", consumer.getDedupWindow());
		PropertyChecks.notNegative(prefix + "shutdown-wait", consumer.getShutdownWait());
		PropertyChecks.between(prefix + "orderly.park-after-failures", consumer.getOrderly().getParkAfterFailures(), 1,
				1_000);
		ConsumeFromWhere from = (consumer.getStartFrom() == ConsumerProperties.StartFrom.LATEST)
				? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET : ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET;
		// redeliveries and dead letters are stored as the relay stores messages: only these statuses count
		return new ConsumerSettings(consumer.getThreads(), consumer.getBatchSize(), from, consumer.getShutdownWait(),
				consumer.getDedupWindow(), rocketmq.getSendTimeout(), sendStatuses.accepted(),
				consumer.getOrderly().getParkAfterFailures());
	}

}
