package dev.reliablemessaging.autoconfigure.jdbc;

import java.util.regex.Pattern;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Names of the starter's tables, derived from the configured prefix.
 */
public record MessagingTables(String prefix) {

	static final String PREFIX_PROPERTY = "reliable-messaging.outbox.table-prefix";

	private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");

	public MessagingTables {
		if (prefix == null || !PLAIN_IDENTIFIER.matcher(prefix).matches()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX_PROPERTY, prefix,
					"The table prefix must be a plain SQL identifier: a letter or '_' followed by at most 39 letters, "
							+ "digits or '_', for example 'rm_'.");
		}
	}

	public String outbox() {
		return this.prefix + "outbox";
	}

	public String inbox() {
		return this.prefix + "inbox";
	}

	public String orderingKeyLock() {
		return this.prefix + "ordering_key_lock";
	}

	public String parked() {
		return this.prefix + "parked";
	}

	public String topicQueues() {
		return this.prefix + "topic_queues";
	}

	String schemaHistory() {
		return this.prefix + "schema_history";
	}

}
