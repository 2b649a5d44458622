/**
 * Internal: an in-process RocketMQ name server and broker, for development and tests, started when no name server
 * is configured; it supplies the {@code RocketMqConnectionDetails} the RocketMQ configuration connects with.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure.embedded;

import org.jspecify.annotations.NullMarked;

