package dev.reliablemessaging.autoconfigure;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * The databases the starter supports, and the few statements in which they differ.
 */
enum Database {

	H2("h2") {
		@Override
		String insertIfAbsent(String table, String columns, String values) {
			return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
		}

		@Override
		String limitedDelete(String table, String where) {
			return "DELETE FROM " + table + " WHERE " + where + " FETCH FIRST ? ROWS ONLY";
		}
	},

	POSTGRESQL("postgresql") {
		@Override
		String insertIfAbsent(String table, String columns, String values) {
			return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON CONFLICT DO NOTHING";
		}

		@Override
		String limitedDelete(String table, String where) {
			return "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + where
					+ " LIMIT ?)";
		}

		@Override
		@Nullable String relaxedDurability() {
			return "SET LOCAL synchronous_commit = off";
		}
	},

	MYSQL("mysql") {
		@Override
		String insertIfAbsent(String table, String columns, String values) {
			return "INSERT IGNORE INTO " + table + " (" + columns + ") VALUES (" + values + ")";
		}

		@Override
		String limitedDelete(String table, String where) {
			return "DELETE FROM " + table + " WHERE " + where + " LIMIT ?";
		}
	};

	private final String schemaFolder;

	Database(String schemaFolder) {
		this.schemaFolder = schemaFolder;
	}

	/** Where this database's Flyway migrations are. */
	String migrationLocation() {
		return "classpath:dev/reliablemessaging/schema/" + this.schemaFolder;
	}

	/**
	 * An insert that adds nothing when the unique key exists. On H2 it fails with a duplicate key instead, which H2
	 * reports without aborting the transaction.
	 */
	abstract String insertIfAbsent(String table, String columns, String values);

	/** A delete of at most {@code ?} rows (the last parameter) matching the condition. */
	abstract String limitedDelete(String table, String where);

	/** The lock clause of the relay's claim query: rows locked by another claim are passed over. */
	String skipLocked() {
		return "FOR UPDATE SKIP LOCKED";
	}

	/**
	 * A statement that lets the current transaction commit without waiting for the disk, or {@code null} where the
	 * database has no such per-transaction setting.
	 */
	@Nullable String relaxedDurability() {
		return null;
	}

	static Database of(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			return of(metaData.getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the database product name from the DataSource", ex);
		}
	}

	static Database of(String productName) {
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
