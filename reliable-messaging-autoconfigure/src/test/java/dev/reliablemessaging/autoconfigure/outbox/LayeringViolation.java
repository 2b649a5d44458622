package dev.reliablemessaging.autoconfigure.outbox;

import dev.reliablemessaging.autoconfigure.consumer.InboxStore;

/**
 * A class of the outbox package that uses the consumer's inbox, which the layering forbids: the layering test checks
 * that its rule catches it.
 */
public final class LayeringViolation {

	public static Class<?> inbox() {
		return InboxStore.class;
	}

	private LayeringViolation() {
	}

}
