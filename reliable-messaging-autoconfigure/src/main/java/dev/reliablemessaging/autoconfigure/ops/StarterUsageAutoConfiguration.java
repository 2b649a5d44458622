package dev.reliablemessaging.autoconfigure.ops;

import dev.reliablemessaging.autoconfigure.consumer.ConsumerAutoConfiguration;
import dev.reliablemessaging.autoconfigure.outbox.OutboxAutoConfiguration;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Always active, whatever the other auto-configurations decided: stops start-up when the application uses the
 * starter's annotations and the outbox or inbox could not be configured (see {@link StarterUsageCheck}).
 */
@AutoConfiguration(after = { OutboxAutoConfiguration.class, ConsumerAutoConfiguration.class })
public final class StarterUsageAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static StarterUsageCheck reliableMessagingUsageCheck(Environment environment) {
		return new StarterUsageCheck(environment);
	}

}
