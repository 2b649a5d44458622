package dev.reliablemessaging.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema the application manages itself ({@code initialize-schema=never}) is checked at start-up: a table or column
 * the starter needs and does not find stops start-up with a message that names it.
 */
class SchemaCheckTests {

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aMissingTableStopsStartUpNamingIt(TestDatabase database) {
		String url = database.freshSchemaUrl();
		TestContexts.onSharedBroker()
			.withPropertyValues(database.springProperties(url))
			.withPropertyValues("reliable-messaging.relay.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// an application that applied the starter's DDL by hand and left one table out
				new JdbcTemplate(context.getBean(javax.sql.DataSource.class)).execute("DROP TABLE rm_topic_queues");
			});
		TestContexts.onSharedBroker()
			.withPropertyValues(database.springProperties(url))
			.withPropertyValues("reliable-messaging.outbox.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("rm_topic_queues")
					.hasMessageContaining("reliable-messaging.outbox.initialize-schema");
			});
	}

}
