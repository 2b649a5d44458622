package dev.reliablemessaging.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The databases the contract tests run against. PostgreSQL and MariaDB come from environment variables with the
 * defaults of this project's machines; each test gets a fresh schema of its own. A server that cannot be reached
 * skips its tests with a message, unless {@code -Drm.require-databases=true} (CI) makes that a failure.
 */
enum TestDatabase {

	H2("jdbc:h2:mem:%s;DB_CLOSE_DELAY=-1", "sa", ""),

	POSTGRESQL(env("RM_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"), env("RM_POSTGRES_USER", "postgres"),
			env("RM_POSTGRES_PASSWORD", "")),

	MARIADB(env("RM_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test"), env("RM_MARIADB_USER", "root"),
			env("RM_MARIADB_PASSWORD", ""));

	private final String url;

	private final String user;

	private final String password;

	TestDatabase(String url, String user, String password) {
		this.url = url;
		this.user = user;
		this.password = password;
	}

	/** Creates an empty schema and returns a JDBC URL that uses it; skips (or fails in CI) if the server is away. */
	public String freshSchemaUrl() {
		String schema = "rm_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		if (this == H2) {
			return this.url.formatted(schema);
		}
		requireAvailable();
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				Statement statement = connection.createStatement()) {
			dropAtExit(schema);
			if (this == POSTGRESQL) {
				statement.execute("CREATE SCHEMA " + schema);
				return this.url + (this.url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
			}
			statement.execute("CREATE DATABASE " + schema);
			return this.url.substring(0, this.url.lastIndexOf('/') + 1) + schema;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create a test schema on " + this, ex);
		}
	}

	/**
	 * Creates an empty PostgreSQL database of its own and returns its URL, for a test that takes it away: a database
	 * can refuse connections as a whole, a schema cannot.
	 */
	public String freshDatabaseUrl() {
		if (this != POSTGRESQL) {
			throw new IllegalStateException("Only PostgreSQL databases are taken away in tests");
		}
		requireAvailable();
		String name = "rm_db_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create a test database on " + this, ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
					Statement statement = connection.createStatement()) {
				statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			}
			catch (SQLException ex) {
				System.err.println("Could not drop test database " + name + ": " + ex.getMessage());
			}
		}, "drop-" + name));
		return this.url.substring(0, this.url.lastIndexOf('/') + 1) + name;
	}

	/** Makes a PostgreSQL database refuse connections and ends the open ones, or lets it accept them again. */
	public void setReachable(String databaseUrl, boolean reachable) {
		String name = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + reachable);
			if (!reachable) {
				statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
						+ "' AND pid <> pg_backend_pid()");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not change the connections of test database " + name, ex);
		}
	}

	/** Test schemas are dropped when the test JVM ends, so runs do not pile up data on the servers. */
	private void dropAtExit(String schema) {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
					Statement statement = connection.createStatement()) {
				statement.execute((this == POSTGRESQL) ? "DROP SCHEMA " + schema + " CASCADE" : "DROP DATABASE " + schema);
			}
			catch (SQLException ex) {
				System.err.println("Could not drop test schema " + schema + " on " + this + ": " + ex.getMessage());
			}
		}, "drop-" + schema));
	}

	public String user() {
		return this.user;
	}

	public String password() {
		return this.password;
	}

	public String[] springProperties(String jdbcUrl) {
		return new String[] { "spring.datasource.url=" + jdbcUrl, "spring.datasource.username=" + this.user,
				"spring.datasource.password=" + this.password };
	}

	void requireAvailable() {
		if (this == H2) {
			return;
		}
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password)) {
			connection.isValid(2);
		}
		catch (SQLException ex) {
			String message = this + " is not reachable at " + this.url + " (" + ex.getMessage()
					+ "); set RM_" + name().replace("QL", "").toUpperCase(Locale.ROOT)
					+ "_URL to run these tests";
			if (Boolean.getBoolean("rm.require-databases")) {
				throw new IllegalStateException(message + ". rm.require-databases is set, so this fails.", ex);
			}
			Assumptions.abort(message);
		}
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

}
