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
		public String lockKey(String table) {
			return "MERGE INTO " + table + " (lock_key, locked_at) KEY (lock_key) VALUES (?, " + utcNow() + ")";
		}

		@Override
		public boolean endsLockWaitsEarly() {
			return true;
		}

		@Override
		public String limitedUpdate(String table, String set, String where, String order) {
			return "UPDATE " + table + " SET " + set + " WHERE id IN (SELECT id FROM " + table + " WHERE " + where
					+ " ORDER BY " + order + " FETCH FIRST ? ROWS ONLY)";
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

		@Override
		public String utcClock() {
			return "(clock_timestamp() AT TIME ZONE 'UTC')";
		}

		@Override
		public String utcClockPlusMillis() {
			return "(" + utcClock() + " + ? * INTERVAL '1 millisecond')";
		}

		@Override
		public String lockKey(String table) {
			return "INSERT INTO " + table + " (lock_key, locked_at) VALUES (?, " + utcNow()
					+ ") ON CONFLICT (lock_key) DO UPDATE SET locked_at = EXCLUDED.locked_at";
		}

		@Override
		public String limitedUpdate(String table, String set, String where, String order) {
			return "UPDATE " + table + " SET " + set + " WHERE id IN (SELECT id FROM " + table + " WHERE " + where
					+ " ORDER BY " + order + " LIMIT ? FOR UPDATE SKIP LOCKED)";
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

		@Override
		public String lockKey(String table) {
			return "INSERT INTO " + table + " (lock_key, locked_at) VALUES (?, " + utcNow()
					+ ") ON DUPLICATE KEY UPDATE locked_at = " + utcNow();
		}

		@Override
		public String limitedUpdate(String table, String set, String where, String order) {
			return "UPDATE " + table + " SET " + set + " WHERE " + where + " ORDER BY " + order + " LIMIT ?";
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

	/**
	 * A statement with one parameter, the lock key, that inserts the key's row of the ordering-lock table or, when it
	 * exists, locks it; either way the row is locked until the transaction ends, and a second transaction of the key
	 * waits there. Existing rows are locked by their primary key alone, so no gap locks: keys never wait for each
	 * other.
	 */
	public abstract String lockKey(String table);

	/**
	 * Whether the database gives up a lock wait on its own after a short time (H2, after its session lock timeout),
	 * so that a writer that wants to wait longer tries again.
	 */
	public boolean endsLockWaitsEarly() {
		return false;
	}

	/**
	 * An update of at most {@code ?} rows (the last parameter) matching the condition, in the given order; rows
	 * another transaction holds are passed over where the database can.
	 */
	public abstract String limitedUpdate(String table, String set, String where, String order);

	/**
	 * The database's current time as a UTC date-time, taken when the statement runs, not when its transaction began,
	 * where the database has both (PostgreSQL); elsewhere {@link #utcNow()}.
	 */
	public String utcClock() {
		return utcNow();
	}

	/** {@link #utcClock()} plus {@code ?} milliseconds (one parameter). */
	public String utcClockPlusMillis() {
		return utcNowPlusMillis();
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
