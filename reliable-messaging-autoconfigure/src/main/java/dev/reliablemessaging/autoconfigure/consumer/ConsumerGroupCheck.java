package dev.reliablemessaging.autoconfigure.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.reliablemessaging.autoconfigure.rocketmq.BrokerInspector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the brokers for the listeners before they start, and refuses what would lose or double messages:
 * <ul>
 * <li>no group has zero retry queues: a broker answers success to a send-back of such a group without storing
 * anything;</li>
 * <li>the dedup window covers every way a duplicate can arrive late: the broker keeps messages for
 * {@code fileReservedTime} (an offset reset or a replay can bring any of them back), the longest redelivery
 * schedule adds to that, and a replayed outbox row kept for {@code relay.retention} arrives after it.</li>
 * </ul>
 * A broker that cannot be asked is a warning, never a refusal: listeners wait for brokers that are down.
 */
final class ConsumerGroupCheck {

	private static final Logger logger = LoggerFactory.getLogger(ConsumerGroupCheck.class);

	/** RocketMQ's default delay levels, for a broker whose configuration does not say. */
	private static final String DEFAULT_DELAY_LEVELS = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

	private static final int DEFAULT_FILE_RESERVED_HOURS = 72;

	private final BrokerInspector inspector;

	private final Duration dedupWindow;

	private final Duration relayRetention;

	ConsumerGroupCheck(BrokerInspector inspector, Duration dedupWindow, Duration relayRetention) {
		this.inspector = inspector;
		this.dedupWindow = dedupWindow;
		this.relayRetention = relayRetention;
	}

	void prepare(List<ListenerMethod> listeners) {
		for (ListenerMethod listener : listeners) {
			requireRetryQueues(listener);
		}
		requireDedupWindow(listeners);
	}

	private void requireRetryQueues(ListenerMethod listener) {
		Map<String, Integer> retryQueues;
		try {
			retryQueues = this.inspector.retryQueues(listener.consumerGroup());
		}
		catch (Exception ex) {
			logger.warn("Could not read the settings of consumer group {} from the brokers ({})",
					listener.consumerGroup(), ex.toString());
			return;
		}
		retryQueues.forEach((broker, queues) -> {
			if (queues <= 0) {
				throw new IllegalStateException("Consumer group '" + listener.consumerGroup() + "' of "
						+ listener.description() + " has retryQueueNums=" + queues + " on broker " + broker
						+ ": the broker answers success to a redelivery of such a group without storing it. Give the "
						+ "group at least one retry queue (mqadmin updateSubGroup -g " + listener.consumerGroup()
						+ " -q 1).");
			}
		});
	}

	private void requireDedupWindow(List<ListenerMethod> listeners) {
		if (listeners.isEmpty()) {
			return;
		}
		Map<String, Properties> configs;
		try {
			configs = this.inspector.masterConfigs();
		}
		catch (Exception ex) {
			logger.warn("Could not read the brokers' retention to check reliable-messaging.consumer.dedup-window "
					+ "({}); make sure it exceeds their fileReservedTime and the longest redelivery schedule",
					ex.toString());
			return;
		}
		int maxReconsume = listeners.stream()
			.filter((listener) -> !listener.orderly())
			.mapToInt(ListenerMethod::maxReconsumeTimes)
			.max()
			.orElse(0);
		configs.forEach((broker, config) -> {
			Duration retention = Duration.ofHours(hours(config.getProperty("fileReservedTime")));
			Duration redeliveries = redeliverySchedule(config.getProperty("messageDelayLevel"), maxReconsume);
			Duration needed = max(retention, this.relayRetention).plus(redeliveries);
			if (this.dedupWindow.compareTo(needed) < 0) {
				throw new IllegalStateException("reliable-messaging.consumer.dedup-window (" + this.dedupWindow
						+ ") is shorter than a duplicate can arrive late: broker " + broker + " keeps messages for "
						+ retention + " (fileReservedTime), a replayed outbox row may have been kept for "
						+ this.relayRetention + " (relay.retention), and " + maxReconsume + " redeliveries take "
						+ redeliveries + ". Set it to at least " + needed + ".");
			}
		});
	}

	/** How long RocketMQ's redeliveries of a message take in all: delay levels 3, 4, ... one per redelivery. */
	static Duration redeliverySchedule(String delayLevels, int redeliveries) {
		String[] levels = ((delayLevels != null && !delayLevels.isBlank()) ? delayLevels : DEFAULT_DELAY_LEVELS)
			.trim()
			.split("\\s+");
		Duration total = Duration.ZERO;
		for (int i = 0; i < redeliveries; i++) {
			total = total.plus(delay(levels[Math.min(levels.length - 1, 2 + i)]));
		}
		return total;
	}

	private static Duration delay(String level) {
		long amount = Long.parseLong(level.substring(0, level.length() - 1));
		return switch (level.charAt(level.length() - 1)) {
			case 's' -> Duration.ofSeconds(amount);
			case 'm' -> Duration.ofMinutes(amount);
			case 'h' -> Duration.ofHours(amount);
			case 'd' -> Duration.ofDays(amount);
			default -> throw new IllegalArgumentException("Unknown delay level '" + level + "'");
		};
	}

	private static long hours(String value) {
		try {
			return (value != null) ? Long.parseLong(value.trim()) : DEFAULT_FILE_RESERVED_HOURS;
		}
		catch (NumberFormatException ex) {
			return DEFAULT_FILE_RESERVED_HOURS;
		}
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
