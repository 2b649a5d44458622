package dev.reliablemessaging.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * An application with two H2 databases, "orders" and "reporting", each with its own transaction manager and
 * neither of them primary: the starter cannot guess which one holds its tables.
 */
@Configuration(proxyBeanMethods = false)
public class TwoDataSources {

	@Bean(destroyMethod = "close")
	public HikariDataSource ordersDataSource() {
		return h2();
	}

	@Bean(destroyMethod = "close")
	public HikariDataSource reportingDataSource() {
		return h2();
	}

	@Bean
	PlatformTransactionManager ordersTransactionManager(DataSource ordersDataSource) {
		return new DataSourceTransactionManager(ordersDataSource);
	}

	@Bean
	PlatformTransactionManager reportingTransactionManager(DataSource reportingDataSource) {
		return new DataSourceTransactionManager(reportingDataSource);
	}

	public static HikariDataSource h2() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(TestContexts.h2Url());
		dataSource.setUsername("sa");
		return dataSource;
	}

	public static long outboxRows(DataSource dataSource) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		Long tables = jdbc.queryForObject(
				"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'RM_OUTBOX'", Long.class);
		return (tables == 0) ? -1 : jdbc.queryForObject("SELECT COUNT(*) FROM rm_outbox", Long.class);
	}

}
