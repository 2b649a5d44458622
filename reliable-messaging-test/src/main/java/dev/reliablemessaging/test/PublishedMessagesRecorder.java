package dev.reliablemessaging.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.reliablemessaging.OutboundMessage;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Advice on the application's {@code OutboxPublisher}: every message it accepts joins {@link PublishedMessages} when
 * its transaction commits with the message's outbox row, and never when the row was rolled back (with the whole
 * transaction or back to a savepoint).
 */
final class PublishedMessagesRecorder implements MethodInterceptor {

	private final PublishedMessages committed;

	/** Which of the given message ids have an outbox row, as the committing transaction sees it. */
	private final Function<List<String>, Set<String>> rowsOf;

	PublishedMessagesRecorder(PublishedMessages committed, Function<List<String>, Set<String>> rowsOf) {
		this.committed = committed;
		this.rowsOf = rowsOf;
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
		OnCommit onCommit = new OnCommit(this, new ArrayList<>());
		TransactionSynchronizationManager.registerSynchronization(onCommit);
		return onCommit.messages();
	}

	private record OnCommit(PublishedMessagesRecorder recorder, List<PublishedMessage> messages)
			implements TransactionSynchronization {

		@Override
		public void beforeCommit(boolean readOnly) {
			List<String> ids = this.messages.stream().map(PublishedMessage::messageId).toList();
			Set<String> present;
			try {
				present = this.recorder.rowsOf.apply(ids);
			}
			catch (RuntimeException ex) {
				return; // the check must never fail the application's commit: keep them all
			}
			this.messages.removeIf((message) -> !present.contains(message.messageId()));
		}

		@Override
		public void afterCommit() {
			this.messages.forEach(this.recorder.committed::record);
		}

	}

}
