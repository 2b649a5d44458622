package dev.reliablemessaging.autoconfigure.consumer;

import java.util.List;

import org.apache.rocketmq.client.consumer.AllocateMessageQueueStrategy;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Shares a topic's queues evenly among the group's consumers, counting each consumer once. The broker lists a client
 * once per connection, and after a network flap it can keep a dead connection of a live client for up to its channel
 * expiry (two minutes): the client then appears twice, takes only its share for one of the two, and the other share
 * of the queues waits unconsumed until the broker drops the dead connection. Counting distinct clients gives every
 * queue an owner again at the next rebalance.
 */
final class DistinctClientsAllocation implements AllocateMessageQueueStrategy {

	private final AllocateMessageQueueStrategy averagely = new AllocateMessageQueueAveragely();

	@Override
	public List<MessageQueue> allocate(String consumerGroup, String currentClientId, List<MessageQueue> queues,
			List<String> clientIds) {
		List<String> distinct = clientIds.stream().distinct().sorted().toList();
		return this.averagely.allocate(consumerGroup, currentClientId, queues, distinct);
	}

	@Override
	public String getName() {
		return "AVG_DISTINCT_CLIENTS";
	}

}
