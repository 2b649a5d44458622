package dev.reliablemessaging.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration processor's metadata describes every property, so IDEs can explain them, and the keys and their
 * defaults are exactly those users configure today: moving a property to another class must not rename or drop it.
 */
class ConfigurationMetadataTests {

	/** Every key under {@code reliable-messaging.}, with its default ({@code key=} when it has none). */
	private static final List<String> KEYS_AND_DEFAULTS = List.of(
			"consumer.batch-size=16",
			"consumer.dedup-window=7d",
			"consumer.orderly.park-after-failures=10",
			"consumer.shutdown-wait=30s",
			"consumer.start-from=earliest",
			"consumer.threads=8",
			"consumer.transaction-manager=",
			"health.broker-unreachable-threshold=1m",
			"health.pending-age-threshold=5m",
			"outbox.data-source=",
			"outbox.initialize-schema=auto",
			"outbox.ordering-lock-timeout=10s",
			"outbox.table-prefix=rm_",
			"outbox.xa-data-source=false",
			"relay.accepted-send-statuses=",
			"relay.backoff.initial=1s",
			"relay.backoff.max=5m",
			"relay.backoff.multiplier=2",
			"relay.batch-size=200",
			"relay.enabled=true",
			"relay.lease=30s",
			"relay.max-attempts=16",
			"relay.max-claim-size=16MB",
			"relay.poll-interval=500ms",
			"relay.retention=0",
			"relay.send-after-commit=true",
			"relay.statement-timeout=10s",
			"rocketmq.access-key=",
			"rocketmq.durability-check=warn",
			"rocketmq.embedded.broker-port=0",
			"rocketmq.embedded.enabled=",
			"rocketmq.embedded.flush-disk-type=sync-flush",
			"rocketmq.embedded.name-server-port=0",
			"rocketmq.embedded.store-dir=",
			"rocketmq.max-message-size=4MB",
			"rocketmq.name-server=",
			"rocketmq.producer-group=",
			"rocketmq.route-refresh-interval=30s",
			"rocketmq.secret-key=",
			"rocketmq.send-timeout=3s",
			"rocketmq.tls.enabled=false",
			"rocketmq.topic-queues=4",
			"rocketmq.topics=");

	@Test
	void everyPropertyHasADescription() throws Exception {
		List<String> undocumented = new ArrayList<>();
		for (JsonNode property : properties()) {
			JsonNode description = property.get("description");
			if (description == null || description.asString().isBlank()) {
				undocumented.add(property.get("name").asString());
			}
		}
		assertThat(undocumented).isEmpty();
	}

	@Test
	void theKeysAndTheirDefaultsStayAsTheyAre() throws Exception {
		List<String> keys = new ArrayList<>();
		for (JsonNode property : properties()) {
			String name = property.get("name").asString();
			if (name.startsWith("reliable-messaging.")) {
				JsonNode value = property.get("defaultValue");
				keys.add(name.substring("reliable-messaging.".length()) + "="
						+ ((value == null) ? "" : value.asString()));
			}
		}
		assertThat(keys).containsExactlyInAnyOrderElementsOf(KEYS_AND_DEFAULTS);
	}

	/** The properties of every module's metadata on the class path: this one's and the embedded broker's. */
	private List<JsonNode> properties() throws Exception {
		List<JsonNode> properties = new ArrayList<>();
		List<URL> files = Collections.list(getClass().getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		for (URL file : files) {
			try (InputStream in = file.openStream()) {
				JsonNode metadata = new JsonMapper().readTree(in);
				metadata.get("properties").forEach((property) -> {
					if (property.get("name").asString().startsWith("reliable-messaging.")) {
						properties.add(property);
					}
				});
			}
		}
		assertThat(properties).as("reliable-messaging properties in " + files).isNotEmpty();
		return properties;
	}

}
