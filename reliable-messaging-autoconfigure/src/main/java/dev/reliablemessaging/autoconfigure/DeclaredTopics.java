package dev.reliablemessaging.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.reliablemessaging.ReliableListener;
import dev.reliablemessaging.ReliablePublish;
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
final class DeclaredTopics {

	private DeclaredTopics() {
	}

	static Set<String> find(ConfigurableListableBeanFactory beanFactory, Environment environment,
			List<String> configured) {
		Set<String> topics = new LinkedHashSet<>(configured);
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(name, false);
			if (type == null) {
				continue;
			}
			ReflectionUtils.doWithMethods(ClassUtils.getUserClass(type), (method) -> {
				ReliablePublish publish = AnnotatedElementUtils.findMergedAnnotation(method, ReliablePublish.class);
				if (publish != null) {
					add(topics, environment.resolveRequiredPlaceholders(publish.topic()));
				}
				ReliableListener listener = AnnotatedElementUtils.findMergedAnnotation(method, ReliableListener.class);
				if (listener != null) {
					add(topics, environment.resolveRequiredPlaceholders(listener.topic()));
				}
			});
		}
		return topics;
	}

	private static void add(Set<String> topics, String topic) {
		if (!topic.contains("#{")) {
			topics.add(topic);
		}
	}

}
