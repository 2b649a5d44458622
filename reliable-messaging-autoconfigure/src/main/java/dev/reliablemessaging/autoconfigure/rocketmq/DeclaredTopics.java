package dev.reliablemessaging.autoconfigure.rocketmq;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.ReliablePublish;
import dev.reliablemessaging.autoconfigure.support.AnnotatedMethods;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * The topics an application names statically: on {@link ReliablePublish} and {@link ReliableListener} methods of its
 * beans (after placeholder resolution; topics computed per message are left out) and in
 * {@code reliable-messaging.rocketmq.topics}.
 */
final class DeclaredTopics implements Supplier<Set<String>> {

	private final ConfigurableListableBeanFactory beanFactory;

	private final Environment environment;

	private final List<String> configured;

	private @Nullable Set<String> topics;

	DeclaredTopics(ConfigurableListableBeanFactory beanFactory, Environment environment, List<String> configured) {
		this.beanFactory = beanFactory;
		this.environment = environment;
		this.configured = configured;
	}

	/**
	 * The topics, found on the first call: by then every bean is defined, and the bean definitions are scanned once
	 * however many start-up checks ask.
	 */
	@Override
	public synchronized Set<String> get() {
		if (this.topics == null) {
			this.topics = find();
		}
		return this.topics;
	}

	private Set<String> find() {
		Set<String> topics = new LinkedHashSet<>(this.configured);
		AnnotatedMethods.find(this.beanFactory, ReliablePublish.class)
			.forEach((found) -> add(topics, found.annotation().topic()));
		AnnotatedMethods.find(this.beanFactory, ReliableListener.class)
			.forEach((found) -> add(topics, found.annotation().topic()));
		return Collections.unmodifiableSet(topics);
	}

	private void add(Set<String> topics, String declared) {
		String topic = this.environment.resolveRequiredPlaceholders(declared);
		if (!topic.contains("#{")) {
			topics.add(topic);
		}
	}

}
