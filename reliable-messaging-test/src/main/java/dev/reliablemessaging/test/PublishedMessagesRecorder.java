package dev.reliablemessaging.test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.reliablemessaging.OutboundMessage;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Advice on the application's {@code OutboxPublisher}: every message it accepts joins {@link PublishedMessages} when
 * its transaction commits with the message's outbox row, and never when the row was rolled back (with the whole
 * transaction or back to a savepoint). It follows the transaction through its synchronization callbacks alone and
 * never runs a statement of its own in the application's transaction.
 */
final class PublishedMessagesRecorder implements MethodInterceptor {

	private final PublishedMessages committed;

	PublishedMessagesRecorder(PublishedMessages committed) {
		this.committed = committed;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object result = invocation.proceed();
		Object[] arguments = invocation.getArguments();
		if (!invocation.getMethod().getName().equals("publish") || !(result instanceof String id)
				|| !TransactionSynchronizationManager.isSynchronizationActive()) {
			return result;
		}
		if (arguments.length == 1 && arguments[0] instanceof OutboundMessage message) {
			pending().add(new PublishedMessage(id, message.topic(), message.tag(), message.key(), message.orderingKey(),
					message.headers(), message.payload()));
		}
		else if (arguments.length == 2 && arguments[0] instanceof String topic && arguments[1] != null) {
			pending().add(new PublishedMessage(id, topic, null, null, null, Map.of(), arguments[1]));
		}
		return result;
	}

	/** The messages published in the current transaction so far, recorded when it commits. */
	private List<PublishedMessage> pending() {
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof OnCommit onCommit && onCommit.recorder() == this) {
				return onCommit.messages();
			}
		}
		OnCommit onCommit = new OnCommit(this, new ArrayList<>(), new IdentityHashMap<>());
		TransactionSynchronizationManager.registerSynchronization(onCommit);
		return onCommit.messages();
	}

	/**
	 * The messages of one transaction, and how many there were at each savepoint: a rollback to a savepoint drops
	 * those published after it.
	 */
	private record OnCommit(PublishedMessagesRecorder recorder, List<PublishedMessage> messages,
			Map<Object, Integer> sizeAtSavepoint) implements TransactionSynchronization {

		@Override
		public void savepoint(Object savepoint) {
			this.sizeAtSavepoint.put(savepoint, this.messages.size());
		}

		@Override
		public void savepointRollback(Object savepoint) {
			// a savepoint set before the first publish (before this was registered) precedes every message
			int size = this.sizeAtSavepoint.getOrDefault(savepoint, 0);
			if (size < this.messages.size()) {
				this.messages.subList(size, this.messages.size()).clear();
			}
		}

		@Override
		public void afterCommit() {
			this.messages.forEach(this.recorder.committed::record);
		}

	}

}
