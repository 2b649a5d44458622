/**
 * Auto-configuration and implementation of the reliable messaging starter: the outbox store and its schema, the
 * relay, the RocketMQ producer and embedded broker, and the consumer advice. Only the auto-configuration classes and
 * the configuration properties are public.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure;

import org.jspecify.annotations.NullMarked;
