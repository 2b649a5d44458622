package dev.reliablemessaging.autoconfigure.jdbc;

import java.util.Map;
import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Creates and migrates the starter's tables with Flyway, under a history table of its own so that it never mixes
 * with the application's migrations.
 */
public final class SchemaMigrator implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(SchemaMigrator.class);

	private final DataSource dataSource;

	private final SqlDialect database;

	private final MessagingTables tables;

	public SchemaMigrator(DataSource dataSource, SqlDialect database, MessagingTables tables) {
		this.dataSource = dataSource;
		this.database = database;
		this.tables = tables;
	}

	@Override
	public void afterPropertiesSet() {
		FluentConfiguration configuration = Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.locations(this.database.migrationLocation())
			.table(this.tables.schemaHistory())
			.placeholders(Map.of("prefix", this.tables.prefix()))
			.baselineOnMigrate(true)
			.baselineVersion("0");
		if (this.database == SqlDialect.POSTGRESQL) {
			// a session lock, not one held in a transaction: an index built CONCURRENTLY waits for every open
			// transaction, which would include the one holding Flyway's lock
			configuration.configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
		}
		MigrateResult result = configuration.load().migrate();
		if (result.migrationsExecuted > 0) {
			logger.info("Migrated the reliable messaging tables ({}*) to version {} on {}", this.tables.prefix(),
					result.targetSchemaVersion, this.database);
		}
	}

}
