/**
 * Internal: what operators see. The health indicator, the {@code reliablemessaging} actuator endpoint, and the
 * Micrometer metrics and tracing behind the interfaces in {@code support}, and the start-up check that refuses an
 * application whose annotations the outbox or the inbox cannot serve.
 */
@NullMarked
package dev.reliablemessaging.autoconfigure.ops;

import org.jspecify.annotations.NullMarked;

