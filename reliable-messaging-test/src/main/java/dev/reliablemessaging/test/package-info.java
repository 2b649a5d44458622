/**
 * The test kit: a real embedded RocketMQ broker for JUnit 5 and Spring Boot tests ({@link EmbeddedRocketMqBroker}),
 * views of what a test published and handled ({@link PublishedMessages}, {@link HandledMessages}), checks of the
 * outbox table ({@link OutboxAssertions}) and plain-client helpers ({@link RocketMqTestUtils}). Public API.
 */
@NullMarked
package dev.reliablemessaging.test;

import org.jspecify.annotations.NullMarked;
