package dev.reliablemessaging.test;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/** The end offset of each queue of each topic on the masters of a test broker, at one moment. */
record QueueEnds(Map<Queue, Long> ends) {

	@Nullable Long of(String broker, String topic, int queueId) {
		return this.ends.get(new Queue(broker, topic, queueId));
	}

	record Queue(String broker, String topic, int queueId) {
	}

}
