package dev.reliablemessaging.test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * What the application's {@code @ReliableListener} methods did during the current test, per topic: messages handled
 * and committed, duplicates skipped, and failed attempts (each retried or dead-lettered). Cleared before each test
 * method.
 */
public class HandledMessages {

	static final String HANDLED = "processed";

	static final String DUPLICATE = "duplicate";

	static final String FAILED = "failed";

	private final Map<String, Map<String, AtomicInteger>> byOutcome = new ConcurrentHashMap<>();

	HandledMessages() {
	}

	void record(String topic, String outcome) {
		this.byOutcome.computeIfAbsent(outcome, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(topic, (key) -> new AtomicInteger())
			.incrementAndGet();
	}

	void clear() {
		this.byOutcome.clear();
	}

	/** How many messages of {@code topic} a listener handled and committed. */
	public int handled(String topic) {
		return count(HANDLED, topic);
	}

	/** How many received messages were duplicates of handled ones and skipped, over all topics. */
	public int duplicatesSkipped() {
		return total(DUPLICATE);
	}

	/** How many deliveries of {@code topic} failed in the handler (or were unreadable) and went back to the broker. */
	public int failures(String topic) {
		return count(FAILED, topic) + count("unreadable", topic);
	}

	/**
	 * Waits until listeners have handled and committed at least {@code count} messages of {@code topic}; fails with
	 * what they did handle when the time runs out.
	 */
	public void awaitHandled(String topic, int count, Duration timeout) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> handled(topic) >= count);
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Expected " + count + " handled messages on topic '" + topic + "' within "
					+ timeout + " but listeners handled " + handled(topic) + "; all outcomes: " + this, ex);
		}
	}

	@Override
	public String toString() {
		Map<String, Map<String, Integer>> snapshot = new TreeMap<>();
		this.byOutcome.forEach((outcome, topics) -> topics
			.forEach((topic, n) -> snapshot.computeIfAbsent(topic, (key) -> new TreeMap<>()).put(outcome, n.get())));
		return snapshot.toString();
	}

	private int count(String outcome, String topic) {
		AtomicInteger n = this.byOutcome.getOrDefault(outcome, Map.of()).get(topic);
		return (n != null) ? n.get() : 0;
	}

	private int total(String outcome) {
		return this.byOutcome.getOrDefault(outcome, Map.of()).values().stream().mapToInt(AtomicInteger::get).sum();
	}

}
