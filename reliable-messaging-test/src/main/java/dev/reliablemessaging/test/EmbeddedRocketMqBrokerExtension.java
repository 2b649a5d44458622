package dev.reliablemessaging.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the broker of an {@link EmbeddedRocketMqBroker} class before its tests, resolves {@link RocketMqBroker}
 * parameters, and stops a broker of the class's own after them.
 */
final class EmbeddedRocketMqBrokerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	@Override
	public void beforeAll(ExtensionContext context) {
		broker(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		if (declaringClass(testClass) == testClass && !annotation(testClass).shared()) {
			TestBrokers.release(testClass);
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == RocketMqBroker.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return broker(context);
	}

	private static RocketMqBroker broker(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		return TestBrokers.forClass(declaringClass(testClass), annotation(testClass));
	}

	/** The class that carries the annotation: a nested class uses the broker of its enclosing class. */
	static Class<?> declaringClass(Class<?> testClass) {
		Class<?> candidate = testClass;
		while (candidate != null) {
			if (AnnotationSupport.isAnnotated(candidate, EmbeddedRocketMqBroker.class)) {
				return candidate;
			}
			candidate = candidate.getEnclosingClass();
		}
		return testClass;
	}

	private static EmbeddedRocketMqBroker annotation(Class<?> testClass) {
		return AnnotationSupport.findAnnotation(declaringClass(testClass), EmbeddedRocketMqBroker.class)
			.orElseThrow(() -> new ExtensionConfigurationException(
					testClass.getName() + " is not annotated with @EmbeddedRocketMqBroker"));
	}

}
