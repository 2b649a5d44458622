package dev.reliablemessaging.autoconfigure.consumer;

import org.jspecify.annotations.Nullable;

/**
 * What letting a parked key go did.
 * @param handled how many of its parked messages were handled (or found handled already)
 * @param failure why the next one failed again (it stays parked, with the ones after it), or {@code null} when the
 * key is free
 */
public record ParkedRelease(int handled, @Nullable String failure) {
}
