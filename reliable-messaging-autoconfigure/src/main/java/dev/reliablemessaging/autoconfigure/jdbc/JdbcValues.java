package dev.reliablemessaging.autoconfigure.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;

import org.jspecify.annotations.Nullable;

/**
 * How the starter's tables hold values: timestamps as UTC local date-times, so every JVM time zone reads them alike;
 * and the placeholders of an IN list.
 */
public final class JdbcValues {

	private JdbcValues() {
	}

	public static LocalDateTime timestamp(Instant instant) {
		return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	public static Instant instant(ResultSet rs, String column) throws SQLException {
		return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
	}

	public static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
		LocalDateTime value = rs.getObject(column, LocalDateTime.class);
		return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
	}

	/** {@code ?, ?, ?} for an IN list of {@code count} values. */
	public static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

}
