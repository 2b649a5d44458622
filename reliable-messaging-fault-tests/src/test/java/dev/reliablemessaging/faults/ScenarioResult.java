package dev.reliablemessaging.faults;

import java.util.List;
import java.util.Locale;

import dev.reliablemessaging.faults.FaultDatabase.History;

/**
 * What one variant of the order service did in one scenario, counted from the database and the broker.
 * @param accepted orders the API answered 201 for
 * @param delivered accepted orders the warehouse decided on
 * @param twice accepted orders the warehouse decided on more than once
 * @param duplicatesAbsorbed redeliveries the inbox recognised and skipped ({@code -1}: no inbox)
 * @param retryingAtFaultEnd outbox rows pending after a failed send when the fault was mended ({@code -1}: no outbox)
 * @param outboxNotSent outbox rows still pending or dead after settling ({@code -1}: no outbox)
 * @param deadRows outbox rows DEAD after settling ({@code -1}: no outbox)
 * @param deadLettered messages in the dead-letter queues of the variant's consumer groups
 * @param unconsumed messages the broker holds beyond the warehouse group's committed offsets ({@code -1}: unknown)
 * @param history how the orderly listener applied the accepted orders' status changes
 * @param longestGapSeconds the longest time between two consecutive decisions while the scenario ran
 * @param drainSeconds from the end of the fault until every accepted order was decided ({@code -1}: never)
 * @param answerDrainSeconds from the first decision after the end of the fault (the broker answers again) until
 * every order accepted before it was decided ({@code -1}: never)
 * @param relayDrainSeconds the relay's part of it: from the first outbox row sent after the end of the fault until
 * the last row written before it was sent ({@code -1}: no outbox)
 */
record ScenarioResult(String scenario, String variant, long accepted, long delivered, long twice,
		long duplicatesAbsorbed, long retryingAtFaultEnd, long outboxNotSent, long deadRows, long deadLettered,
		long unconsumed, History history, double longestGapSeconds, double drainSeconds, double answerDrainSeconds,
		double relayDrainSeconds) {

	long lost() {
		return this.accepted - this.delivered;
	}

	static String table(List<ScenarioResult> results) {
		StringBuilder table = new StringBuilder("| scenario | variant | accepted | delivered | lost | applied twice "
				+ "| duplicates absorbed | retrying at fault end | outbox not SENT after | dead rows | in DLQ "
				+ "| unconsumed in broker | out of order | history incomplete | history twice | longest gap "
				+ "| drain after recovery | drain after the broker answers | of which the relay's |\n"
				+ "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (ScenarioResult result : results) {
			table.append(String.format(Locale.ROOT,
					"| %s | %s | %d | %d | %d | %d | %s | %s | %s | %s | %d | %s | %d | %d | %d | %.1f s | %s | %s | %s |%n",
					result.scenario(), result.variant(), result.accepted(), result.delivered(), result.lost(),
					result.twice(), orNone(result.duplicatesAbsorbed()), orNone(result.retryingAtFaultEnd()),
					orNone(result.outboxNotSent()), orNone(result.deadRows()), result.deadLettered(),
					orNone(result.unconsumed()), result.history().outOfOrder(), result.history().incomplete(),
					result.history().twice(), result.longestGapSeconds(),
					seconds(result.drainSeconds()), seconds(result.answerDrainSeconds()),
					(result.relayDrainSeconds() < 0) ? "n/a" : seconds(result.relayDrainSeconds())));
		}
		return table.toString();
	}

	private static String seconds(double value) {
		return (value < 0) ? "never" : String.format(Locale.ROOT, "%.1f s", value);
	}

	private static String orNone(long value) {
		return (value < 0) ? "n/a" : String.valueOf(value);
	}

}
