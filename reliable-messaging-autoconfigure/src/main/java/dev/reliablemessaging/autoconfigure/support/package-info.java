/**
 * Internal: what every feature of the starter shares. The names of the message headers the starter writes and
 * reads, the metrics and tracing interfaces the features report to (implemented in {@code ops}), the advisor plumbing
 * behind the method annotations, the configuration properties and their checks.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure.support;

import org.jspecify.annotations.NullMarked;

