package dev.reliablemessaging.benchmarks;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** When each message's transaction committed and when it arrived, by key, on one {@link System#nanoTime()} clock. */
final class Receipts {

	private final Map<String, Long> committing = new ConcurrentHashMap<>();

	private final Queue<Long> latencies = new ConcurrentLinkedQueue<>();

	/** Notes the commit time of a message, just before its transaction commits. */
	void committing(String key) {
		this.committing.put(key, System.nanoTime());
	}

	/** Notes the arrival of a message; a key that was not noted committing (a duplicate, say) is passed over. */
	void arrived(String key) {
		long now = System.nanoTime();
		Long committedAt = this.committing.remove(key);
		if (committedAt != null) {
			this.latencies.add(now - committedAt);
		}
	}

	void reset() {
		this.committing.clear();
		this.latencies.clear();
	}

	long count() {
		return this.latencies.size();
	}

	/** The p50, p99 and p99.9 of the latencies, in milliseconds. */
	double[] percentiles() {
		double[] millis = this.latencies.stream().mapToDouble((nanos) -> nanos / 1e6).sorted().toArray();
		return new double[] { percentile(millis, 50), percentile(millis, 99), percentile(millis, 99.9) };
	}

	/** The nearest-rank percentile of sorted values. */
	static double percentile(double[] sorted, double percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}
