package dev.reliablemessaging.autoconfigure.jdbc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Follows the transactions that the application's transaction managers begin on each thread, so that a write of the
 * starter can tell which manager's transaction it is in and whether that transaction is already completing. A
 * connection's auto-commit mode says neither: a pool may hand out connections without auto-commit whatever manages
 * them, and after the commit the connection of the transaction is still bound, with nothing left to commit it.
 * <p>
 * Registered as a listener on every transaction manager bean that accepts one (Spring's
 * {@link ConfigurableTransactionManager}, which all of Spring's own managers are).
 */
public final class TransactionTracker implements BeanPostProcessor {

	private static final ThreadLocal<Deque<Tracked>> transactions = ThreadLocal.withInitial(ArrayDeque::new);

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ConfigurableTransactionManager manager && bean instanceof PlatformTransactionManager platform) {
			register(manager, platform);
		}
		return bean;
	}

	/** Follows the transactions of a manager, once; for managers that are not beans of the application context. */
	public static void register(ConfigurableTransactionManager manager, PlatformTransactionManager platform) {
		Collection<TransactionExecutionListener> listeners = manager.getTransactionExecutionListeners();
		if (listeners.stream().anyMatch(Listener.class::isInstance)) {
			return;
		}
		Listener listener = new Listener(platform);
		try {
			listeners.add(listener);
		}
		catch (UnsupportedOperationException ex) {
			// Spring Boot hands its managers an immutable list of the application's listeners
			List<TransactionExecutionListener> copy = new ArrayList<>(listeners);
			copy.add(listener);
			manager.setTransactionExecutionListeners(copy);
		}
	}

	/**
	 * The innermost transaction of this thread that a followed manager began and that has not ended, or
	 * {@code null} when there is none (no transaction, or one of a manager that is not followed).
	 */
	static @Nullable Tracked current() {
		Deque<Tracked> stack = transactions.get();
		if (!stack.isEmpty() && !TransactionSynchronizationManager.isActualTransactionActive()
				&& !TransactionSynchronizationManager.isSynchronizationActive()) {
			stack.clear(); // left over by a manager that failed between its callbacks
		}
		return stack.peek();
	}

	/**
	 * A transaction of a followed manager on this thread.
	 * @param completing whether it has begun to commit or roll back: a write now is not part of it any more
	 */
	record Tracked(TransactionExecution execution, PlatformTransactionManager manager, boolean completing) {

		Tracked asCompleting() {
			return new Tracked(this.execution, this.manager, true);
		}

	}

	private static final class Listener implements TransactionExecutionListener {

		private final PlatformTransactionManager manager;

		Listener(PlatformTransactionManager manager) {
			this.manager = manager;
		}

		@Override
		public void afterBegin(TransactionExecution transaction, @Nullable Throwable beginFailure) {
			if (beginFailure == null) {
				transactions.get().push(new Tracked(transaction, this.manager, false));
			}
		}

		@Override
		public void beforeCommit(TransactionExecution transaction) {
			markCompleting(transaction);
		}

		@Override
		public void beforeRollback(TransactionExecution transaction) {
			markCompleting(transaction);
		}

		@Override
		public void afterCommit(TransactionExecution transaction, @Nullable Throwable commitFailure) {
			end(transaction);
		}

		@Override
		public void afterRollback(TransactionExecution transaction, @Nullable Throwable rollbackFailure) {
			end(transaction);
		}

		private static void markCompleting(TransactionExecution transaction) {
			Deque<Tracked> stack = transactions.get();
			List<Tracked> above = new ArrayList<>();
			while (!stack.isEmpty()) {
				Tracked top = stack.pop();
				if (top.execution() == transaction) {
					stack.push(top.asCompleting());
					break;
				}
				above.add(top);
			}
			for (int i = above.size() - 1; i >= 0; i--) {
				stack.push(above.get(i));
			}
		}

		private static void end(TransactionExecution transaction) {
			Iterator<Tracked> iterator = transactions.get().iterator();
			while (iterator.hasNext()) {
				if (iterator.next().execution() == transaction) {
					iterator.remove();
					return;
				}
			}
		}

	}

}
