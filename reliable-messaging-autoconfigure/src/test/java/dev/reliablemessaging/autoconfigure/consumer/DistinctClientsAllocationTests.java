package dev.reliablemessaging.autoconfigure.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DistinctClientsAllocationTests {

	private final DistinctClientsAllocation allocation = new DistinctClientsAllocation();

	private final List<MessageQueue> queues = IntStream.range(0, 4)
		.mapToObj((id) -> new MessageQueue("orders", "broker-a", id))
		.toList();

	@Test
	void aClientListedTwiceStillOwnsEveryQueue() {
		assertThat(this.allocation.allocate("group", "a", this.queues, List.of("a", "a")))
			.containsExactlyElementsOf(this.queues);
	}

	@Test
	void clientsListedMoreThanOnceShareTheQueuesWithoutGaps() {
		List<String> listed = List.of("a", "b", "a");
		List<MessageQueue> owned = new ArrayList<>(this.allocation.allocate("group", "a", this.queues, listed));
		List<MessageQueue> ownedByB = this.allocation.allocate("group", "b", this.queues, listed);
		assertThat(owned).hasSize(2).doesNotContainAnyElementsOf(ownedByB);
		owned.addAll(ownedByB);
		assertThat(owned).containsExactlyInAnyOrderElementsOf(this.queues);
	}

	@Test
	void aClientNotListedTakesNothing() {
		assertThat(this.allocation.allocate("group", "c", this.queues, List.of("a", "b"))).isEmpty();
	}

}
