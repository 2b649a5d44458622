package dev.reliablemessaging.autoconfigure.consumer;

/**
 * A message handled alone lost a deadlock on every try, and its caller said that this is not its failure yet: the
 * caller tries it once more where no other transaction of its listener runs.
 */
final class LostDeadlocks extends RuntimeException {

	LostDeadlocks(Throwable lastDeadlock) {
		super("lost a deadlock on every try", lastDeadlock, false, false);
	}

}
