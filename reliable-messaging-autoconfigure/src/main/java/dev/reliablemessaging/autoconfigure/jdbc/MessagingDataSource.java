package dev.reliablemessaging.autoconfigure.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

/**
 * The DataSource that holds the outbox and the inbox, with the name of its bean, and the one check every write of a
 * business transaction goes through: the connection it would use must be the transaction's own.
 */
public final class MessagingDataSource {

	private final String name;

	private final DataSource dataSource;

	private final ListableBeanFactory beanFactory;

	public MessagingDataSource(String name, DataSource dataSource, ListableBeanFactory beanFactory) {
		this.name = name;
		this.dataSource = dataSource;
		this.beanFactory = beanFactory;
	}

	public String name() {
		return this.name;
	}

	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Refuses to go on unless a transaction is active and the connection this DataSource gives inside it is part of
	 * that transaction. A transaction manager of another DataSource (or JTA over a pool that is not XA, or a wrapped
	 * DataSource) leaves the connection in auto-commit: a row written on it would commit whatever the transaction does.
	 * @param action what was about to be done, for the message
	 * @throws IllegalTransactionStateException naming the DataSource and the transaction managers that manage it
	 */
	public void requireTransactionalConnection(String action) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalTransactionStateException("Cannot " + action + " without an active transaction: the "
					+ "row must commit or roll back with the business change. Call it from a @Transactional method or "
					+ "inside a TransactionTemplate" + managedBy() + ".");
		}
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			if (connection.getAutoCommit()) {
				String transaction = TransactionSynchronizationManager.getCurrentTransactionName();
				throw new IllegalTransactionStateException("Cannot " + action + ": the current transaction"
						+ ((transaction != null) ? " (" + transaction + ")" : "") + " does not manage DataSource '"
						+ this.name + "', which holds the reliable messaging tables, so the row would commit on its "
						+ "own whatever the transaction does. Run it in a transaction" + managedBy()
						+ ", or move the tables with reliable-messaging.outbox.data-source or @OutboxDataSource.");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the auto-commit mode of a connection of DataSource '"
					+ this.name + "'", ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
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
