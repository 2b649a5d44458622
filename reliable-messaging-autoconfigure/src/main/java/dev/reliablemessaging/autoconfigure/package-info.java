/**
 * The reliable messaging starter's auto-configuration, one package per feature. Every package under this one is
 * internal: its public types are public for the packages beside it, not for applications, and may change in any
 * release. Applications use the types of {@code dev.reliablemessaging} and the {@code reliable-messaging.*}
 * properties. Dependencies run one way: {@code ops} uses {@code outbox} and {@code consumer}, which use
 * {@code rocketmq} and {@code jdbc}, which use {@code support}.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure;

import org.jspecify.annotations.NullMarked;

