package dev.reliablemessaging.autoconfigure.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * The databases the starter supports, and the few statements in which they differ. Times are UTC date-times taken
 * from the database's own clock, so that instances whose clocks disagree still agree on leases and due times.
 */
public enum SqlDialect {

	H2("h2") {
		@Override
		public String utcNow() {
			return "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP(6))";
		}

		@Override
		public String utcNowPlusMillis() {
			return "DATEADD(MILLISECOND, ?, " + utcNow() + ")";
		}

		@Override
		public String limitedDelete(String table, String where) {
			return "DELETE FROM " + table + " WHERE " + where + " FETCH FIRST ? ROWS ONLY";
		}

		@Override
		public String lockWait() {
			// H2 gives up on a lock after two seconds by default; a transaction of the same key may take longer
			return " WAIT 60";
		}
	},

	POSTGRESQL("postgresql") {
		@Override
		public String utcNow() {
			return "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";
		}

		@Override
		public String utcNowPlusMillis() {
			return "(" + utcNow() + " + ? * INTERVAL '1 millisecond')";
		}

		@Override
		public String insertInbox(String table, String columns, String values) {
			return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values
					+ ") ON CONFLICT (consumer_group, message_id) DO NOTHING";
		}

		@Override
		public String limitedDelete(String table, String where) {
			return "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + where
					+ " LIMIT ?)";
		}

		@Override
		public @Nullable String relaxedDurability() {
			return "SET LOCAL synchronous_commit = off";
		}
	},

	MYSQL("mysql") {
		@Override
		public String utcNow() {
			return "UTC_TIMESTAMP(6)";
		}

		@Override
		public String utcNowPlusMillis() {
			return "TIMESTAMPADD(MICROSECOND, ? * 1000, UTC_TIMESTAMP(6))";
		}

		@Override
		public String limitedDelete(String table, String where) {
			return "DELETE FROM " + table + " WHERE " + where + " LIMIT ?";
		}
	};

	private final String schemaFolder;

	SqlDialect(String schemaFolder) {
		this.schemaFolder = schemaFolder;
	}

	/** Where this database's Flyway migrations are. */
	public String migrationLocation() {
		return "classpath:dev/reliablemessaging/schema/" + this.schemaFolder;
	}

	/** The database's current time as a UTC date-time, the type of the starter's timestamp columns. */
	public abstract String utcNow();

	/** {@link #utcNow()} plus {@code ?} milliseconds (one parameter). */
	public abstract String utcNowPlusMillis();

	/**
	 * An insert of an inbox row that adds nothing when the row exists and fails on anything else. Where the
	 * database cannot skip only that one conflict, the duplicate fails as a duplicate key, which neither H2 nor
	 * MySQL turns into the end of the transaction.
	 */
	public String insertInbox(String table, String columns, String values) {
		return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
	}

	/** A delete of at most {@code ?} rows (the last parameter) matching the condition. */
	public abstract String limitedDelete(String table, String where);

	/** The lock clause of the relay's claim queries: rows locked by another claim are passed over. */
	public String skipLocked() {
		return "FOR UPDATE SKIP LOCKED";
	}

	/** Appended to {@code FOR UPDATE} where the database's own lock wait is too short for a business transaction. */
	public String lockWait() {
		return "";
	}

	/**
	 * A statement that lets the current transaction commit without waiting for the disk, or {@code null} where the
	 * database has no such per-transaction setting.
	 */
	public @Nullable String relaxedDurability() {
		return null;
	}

	public static SqlDialect of(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			return of(metaData.getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the database product name from the DataSource", ex);
		}
	}

	static SqlDialect of(String productName) {
		String name = productName.toLowerCase(Locale.ROOT);
		if (name.contains("h2")) {
			return H2;
		}
		if (name.contains("postgres")) {
			return POSTGRESQL;
		}
		if (name.contains("mysql") || name.contains("mariadb")) {
			return MYSQL;
		}
		throw new IllegalStateException("The reliable messaging starter supports H2, PostgreSQL, MySQL and MariaDB; "
				+ "the application's DataSource is " + productName);
	}

}
