package dev.reliablemessaging.autoconfigure.embedded;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when no name server is configured and the embedded broker is not switched off.
 */
final class EmbeddedBrokerCondition extends SpringBootCondition {

	private static final String NAME_SERVER = "reliable-messaging.rocketmq.name-server";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		if (StringUtils.hasText(environment.getProperty(NAME_SERVER))) {
			return ConditionOutcome.noMatch(NAME_SERVER + " is set");
		}
		if (!environment.getProperty("reliable-messaging.rocketmq.embedded.enabled", Boolean.class, true)) {
			return ConditionOutcome.noMatch("reliable-messaging.rocketmq.embedded.enabled is false");
		}
		return ConditionOutcome.match("no name server is configured");
	}

}
