package dev.reliablemessaging.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.ReliablePublish;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

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
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null) {
				continue;
			}
			ReflectionUtils.doWithMethods(ClassUtils.getUserClass(type), (method) -> {
				ReliablePublish publish = AnnotatedElementUtils.findMergedAnnotation(method, ReliablePublish.class);
				if (publish != null) {
					add(topics, this.environment.resolveRequiredPlaceholders(publish.topic()));
				}
				ReliableListener listener = AnnotatedElementUtils.findMergedAnnotation(method, ReliableListener.class);
				if (listener != null) {
					add(topics, this.environment.resolveRequiredPlaceholders(listener.topic()));
				}
			});
		}
		return Collections.unmodifiableSet(topics);
	}

	private static void add(Set<String> topics, String topic) {
		if (!topic.contains("#{")) {
			topics.add(topic);
		}
	}

}
