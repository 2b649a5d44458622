package dev.reliablemessaging.autoconfigure.jdbc;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The DataSource that holds the outbox and the inbox, with the name of its bean, and the one check every write of a
 * business transaction goes through: the transaction must be one that commits what is written on this DataSource.
 */
public final class MessagingDataSource {

	/** Says that the DataSource of the tables takes part in JTA transactions. */
	public static final String XA_PROPERTY = "reliable-messaging.outbox.xa-data-source";

	private final String name;

	private final DataSource dataSource;

	private final ListableBeanFactory beanFactory;

	private final boolean xaEnlisted;

	public MessagingDataSource(String name, DataSource dataSource, ListableBeanFactory beanFactory) {
		this(name, dataSource, beanFactory, false);
	}

	/**
	 * @param xaEnlisted whether the DataSource enlists its connections in JTA transactions (an XA pool), so that a
	 * JTA transaction, whose manager names no DataSource, includes what is written on it
	 */
	public MessagingDataSource(String name, DataSource dataSource, ListableBeanFactory beanFactory, boolean xaEnlisted) {
		this.name = name;
		this.dataSource = dataSource;
		this.beanFactory = beanFactory;
		this.xaEnlisted = xaEnlisted;
	}

	public String name() {
		return this.name;
	}

	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Refuses to go on unless the current transaction will commit or roll back what is written on this DataSource:
	 * a transaction is active, it is not completing (a write from an after-commit callback would be on a connection
	 * nobody commits), and the transaction manager that began it manages this DataSource. Participation is decided
	 * by the transaction, never by the connection's auto-commit mode, which a pool may turn off for any connection.
	 * @param action what was about to be done, for the message
	 * @throws IllegalTransactionStateException naming the DataSource and the transaction managers that manage it
	 */
	public void requireTransactionalConnection(String action) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalTransactionStateException("Cannot " + action + " without an active transaction: the "
					+ "row must commit or roll back with the business change. Call it from a @Transactional method or "
					+ "inside a TransactionTemplate" + managedBy() + ".");
		}
		TransactionTracker.Tracked transaction = TransactionTracker.current();
		if (transaction != null) {
			if (transaction.completing()) {
				throw new IllegalTransactionStateException("Cannot " + action + ": the current transaction is "
						+ "completing (this runs in an afterCommit or afterCompletion callback), so no commit follows "
						+ "and the row would be lost. Do it before the commit, or in a transaction of its own "
						+ "(Propagation.REQUIRES_NEW).");
			}
			if (manages(transaction.manager(), this.dataSource)
					|| (this.xaEnlisted && !(transaction.manager() instanceof ResourceTransactionManager))) {
				return;
			}
			throw notManaged(action);
		}
		// a transaction manager that is not a bean of the application (a test's, a library's): only one of this
		// DataSource binds a connection holder marked as its transaction's before the starter asks for one
		if (!(TransactionSynchronizationManager.getResource(this.dataSource) instanceof ConnectionHolder holder)
				|| !transactionActive(holder)) {
			throw notManaged(action);
		}
	}

	private IllegalTransactionStateException notManaged(String action) {
		String transaction = TransactionSynchronizationManager.getCurrentTransactionName();
		return new IllegalTransactionStateException("Cannot " + action + ": the current transaction"
				+ ((transaction != null) ? " (" + transaction + ")" : "") + " does not manage DataSource '" + this.name
				+ "', which holds the reliable messaging tables, so the row would not commit or roll back with it. Run "
				+ "it in a transaction" + managedBy() + ", or move the tables with reliable-messaging.outbox.data-source "
				+ "or @OutboxDataSource. Under JTA with an XA DataSource, set " + XA_PROPERTY + "=true.");
	}

	private static boolean transactionActive(ConnectionHolder holder) {
		Method method = ReflectionUtils.findMethod(ConnectionHolder.class, "isTransactionActive");
		if (method == null) {
			return false;
		}
		ReflectionUtils.makeAccessible(method);
		return Boolean.TRUE.equals(ReflectionUtils.invokeMethod(method, holder));
	}

	/** The transaction managers that manage this DataSource, by bean name. */
	public Map<String, PlatformTransactionManager> transactionManagers() {
		Map<String, PlatformTransactionManager> all = this.beanFactory.getBeansOfType(PlatformTransactionManager.class,
				false, false);
		Map<String, PlatformTransactionManager> managing = new LinkedHashMap<>();
		all.forEach((beanName, manager) -> {
			if (manages(manager, this.dataSource)) {
				managing.put(beanName, manager);
			}
		});
		return managing;
	}

	private String managedBy() {
		List<String> names = List.copyOf(transactionManagers().keySet());
		return names.isEmpty() ? " of a transaction manager for DataSource '" + this.name + "' (none is defined)"
				: " of " + String.join(" or ", names.stream().map((n) -> "'" + n + "'").toList());
	}

	/** Whether the transaction manager's transactions bind connections of the DataSource. */
	static boolean manages(PlatformTransactionManager manager, DataSource dataSource) {
		Object resource = null;
		if (manager instanceof ResourceTransactionManager resourceManager
				&& resourceManager.getResourceFactory() instanceof DataSource managed) {
			resource = managed;
		}
		else {
			// JPA and Hibernate transaction managers bind the JDBC connection of the DataSource they are given
			BeanWrapper wrapper = new BeanWrapperImpl(manager);
			if (wrapper.isReadableProperty("dataSource")) {
				resource = wrapper.getPropertyValue("dataSource");
			}
		}
		return resource != null && unwrap(resource) == unwrap(dataSource);
	}

	private static Object unwrap(Object dataSource) {
		Object unwrapped = TransactionSynchronizationUtils.unwrapResourceIfNecessary(dataSource);
		if (unwrapped instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
			return proxy.getTargetDataSource();
		}
		return unwrapped;
	}

	@Override
	public String toString() {
		return "MessagingDataSource[" + this.name + "]";
	}

}
