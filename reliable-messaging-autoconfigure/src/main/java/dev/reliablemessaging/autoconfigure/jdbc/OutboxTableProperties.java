package dev.reliablemessaging.autoconfigure.jdbc;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The outbox and inbox tables, under {@code reliable-messaging.outbox}.
 */
@ConfigurationProperties("reliable-messaging.outbox")
public class OutboxTableProperties {

	/**
	 * Prefix of the starter's tables (outbox, inbox, schema history). A plain SQL identifier.
	 */
	private String tablePrefix = "rm_";

	/**
	 * Whether the starter creates and migrates its tables with its own Flyway history.
	 */
	private InitializeSchema initializeSchema = InitializeSchema.AUTO;

	/**
	 * Bean name of the DataSource that holds the outbox and inbox tables, when the application has several.
	 * Alternatively mark that DataSource with @OutboxDataSource; by default the single or primary one.
	 */
	private @Nullable String dataSource;

	/**
	 * How long a publish of a message with an ordering key waits for another open transaction that published the
	 * same topic and key (it commits first, so that the messages keep commit order) before it fails, naming the key.
	 */
	private Duration orderingLockTimeout = Duration.ofSeconds(10);

	/**
	 * Whether the DataSource of the tables enlists its connections in JTA transactions (an XA pool). Only then does
	 * a JTA transaction, whose manager names no DataSource, take the starter's rows with it; without it a publish or
	 * an inbox row in a JTA transaction is refused.
	 */
	private boolean xaDataSource;

	public Duration getOrderingLockTimeout() {
		return this.orderingLockTimeout;
	}

	public void setOrderingLockTimeout(Duration orderingLockTimeout) {
		this.orderingLockTimeout = orderingLockTimeout;
	}

	public boolean isXaDataSource() {
		return this.xaDataSource;
	}

	public void setXaDataSource(boolean xaDataSource) {
		this.xaDataSource = xaDataSource;
	}

	public @Nullable String getDataSource() {
		return this.dataSource;
	}

	public void setDataSource(@Nullable String dataSource) {
		this.dataSource = dataSource;
	}

	public String getTablePrefix() {
		return this.tablePrefix;
	}

	public void setTablePrefix(String tablePrefix) {
		this.tablePrefix = tablePrefix;
	}

	public InitializeSchema getInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(InitializeSchema initializeSchema) {
		this.initializeSchema = initializeSchema;
	}


	/** Whether the starter manages its own tables. */
	public enum InitializeSchema {

		/** Create and migrate the tables at start-up. */
		AUTO,

		/** Leave the tables to the application; the DDL is in the jar under dev/reliablemessaging/schema. */
		NEVER

	}

}
