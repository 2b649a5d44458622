package dev.reliablemessaging.autoconfigure.support;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The methods of the application's beans that carry one of the starter's annotations, found from the bean
 * definitions without creating any bean.
 */
public final class AnnotatedMethods {

	private AnnotatedMethods() {
	}

	public static <A extends Annotation> List<Found<A>> find(ConfigurableListableBeanFactory beanFactory, Class<A> type) {
		List<Found<A>> found = new ArrayList<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> beanType = beanFactory.getType(name, false);
			if (beanType == null) {
				continue;
			}
			ReflectionUtils.doWithMethods(ClassUtils.getUserClass(beanType), (method) -> {
				A annotation = AnnotatedElementUtils.findMergedAnnotation(method, type);
				if (annotation != null) {
					found.add(new Found<>(name, method, annotation));
				}
			});
		}
		return found;
	}

	/**
	 * The annotated methods of the singletons that exist, found on their real classes (behind proxies and behind
	 * factory methods typed as an interface).
	 */
	public static <A extends Annotation> List<Found<A>> findOnSingletons(ConfigurableListableBeanFactory beanFactory,
			Class<A> type) {
		List<Found<A>> found = new ArrayList<>();
		for (String name : beanFactory.getSingletonNames()) {
			Object bean = beanFactory.getSingleton(name);
			if (bean == null) {
				continue;
			}
			ReflectionUtils.doWithMethods(AopUtils.getTargetClass(bean), (method) -> {
				A annotation = AnnotatedElementUtils.findMergedAnnotation(method, type);
				if (annotation != null) {
					found.add(new Found<>(name, method, annotation));
				}
			});
		}
		return found;
	}

	/** An annotated method of a bean. */
	public record Found<A extends Annotation>(String beanName, Method method, A annotation) {

		public String description() {
			return this.method.getDeclaringClass().getName() + "." + this.method.getName();
		}

	}

}
