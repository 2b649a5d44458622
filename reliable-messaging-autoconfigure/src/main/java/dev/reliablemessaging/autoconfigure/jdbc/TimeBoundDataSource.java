package dev.reliablemessaging.autoconfigure.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Gives the relay's connections a network timeout, so that a read on a connection that went half-open (a database
 * failover, a cut network) fails after that long instead of waiting for an answer that never comes. A statement
 * timeout alone cannot do this: the driver cancels a statement over the network it can no longer reach. Each
 * connection gets its previous timeout back when it is closed, so a pool hands it to others as it was.
 */
public final class TimeBoundDataSource extends DelegatingDataSource {

	private static final Executor TIMEOUTS = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "rm-network-timeouts");
		thread.setDaemon(true);
		return thread;
	});

	private final int networkTimeoutMillis;

	public TimeBoundDataSource(DataSource target, Duration networkTimeout) {
		super(target);
		this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, networkTimeout.toMillis());
	}

	@Override
	public Connection getConnection() throws SQLException {
		return bounded(obtainTargetDataSource().getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return bounded(obtainTargetDataSource().getConnection(username, password));
	}

	private Connection bounded(Connection connection) throws SQLException {
		int previous;
		try {
			previous = connection.getNetworkTimeout();
			connection.setNetworkTimeout(TIMEOUTS, this.networkTimeoutMillis);
		}
		catch (SQLFeatureNotSupportedException | AbstractMethodError ex) {
			return connection; // an embedded database has no network to time out
		}
		return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] { Connection.class },
				new Restoring(connection, previous));
	}

	/** Hands every call to the connection, and puts its network timeout back before it is closed. */
	private static final class Restoring implements InvocationHandler {

		private final Connection target;

		private final int previousTimeout;

		Restoring(Connection target, int previousTimeout) {
			this.target = target;
			this.previousTimeout = previousTimeout;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			if (method.getName().equals("close") && method.getParameterCount() == 0) {
				try {
					if (!this.target.isClosed()) {
						this.target.setNetworkTimeout(TIMEOUTS, this.previousTimeout);
					}
				}
				catch (SQLException ex) {
					// a broken connection: the pool will not hand it out again anyway
				}
			}
			if (method.getName().equals("unwrap") && args != null && args[0] instanceof Class<?> type
					&& type.isInstance(proxy)) {
				return proxy;
			}
			try {
				return method.invoke(this.target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

	}

}
