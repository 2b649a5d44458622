/**
 * Internal: the connection to RocketMQ. The clients built from the connection details (the configured name
 * server, or the embedded broker's), the broker inspection behind the durability audit and health, topic
 * provisioning, and the classification of send failures.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure.rocketmq;

import org.jspecify.annotations.NullMarked;

