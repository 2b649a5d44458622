package dev.reliablemessaging.autoconfigure.support;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks of configuration values that stop start-up with a message naming the property.
 */
public final class PropertyChecks {

	private PropertyChecks() {
	}

	public static void check(String property, Object value, boolean valid, String reason) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException(property, value, reason);
		}
	}

	public static void positive(String property, Duration value) {
		check(property, value, value != null && !value.isNegative() && !value.isZero(),
				"The duration must be greater than zero.");
	}

	public static void notNegative(String property, Duration value) {
		check(property, value, value != null && !value.isNegative(), "The duration must not be negative.");
	}

	public static void between(String property, long value, long min, long max) {
		check(property, value, value >= min && value <= max,
				"The value must be between " + min + " and " + max + ".");
	}

}
