/**
 * The same order flow without the starter, for the fault tests to compare against: the order service sends to
 * RocketMQ after its transaction commits and the warehouse consumes without an inbox. It loses messages and applies
 * some twice under faults; do not copy it. Active with the {@code naive} profile and an external broker.
 */
package dev.reliablemessaging.sample.naive;
