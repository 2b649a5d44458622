package dev.reliablemessaging.autoconfigure.jdbc;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when a DataSource for the outbox and inbox can be chosen. When none can, the auto-configuration backs off
 * and the starter usage check stops start-up if the application publishes or listens.
 */
public final class OutboxDataSourceCondition extends SpringBootCondition implements ConfigurationCondition {

	/** Decided once the DataSources of earlier auto-configurations are defined, as {@code @ConditionalOnBean} is. */
	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (context.getBeanFactory() == null) {
			return ConditionOutcome.noMatch("no bean factory");
		}
		OutboxDataSourceChoice choice = OutboxDataSourceChoice.of(context.getBeanFactory(), context.getEnvironment());
		return (choice.beanName() != null)
				? ConditionOutcome.match("DataSource '" + choice.beanName() + "' holds the reliable messaging tables")
				: ConditionOutcome.noMatch(choice.problem());
	}

}
