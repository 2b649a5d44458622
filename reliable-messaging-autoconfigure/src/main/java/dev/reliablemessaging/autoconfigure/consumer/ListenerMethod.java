package dev.reliablemessaging.autoconfigure.consumer;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import dev.reliablemessaging.MessageContext;
import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.ReliableListener;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Async;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.JavaType;

/**
 * A {@link ReliableListener} method, checked at start-up: it must run synchronously (no future, no
 * {@code @Async}), take a payload it can be bound to and optionally a {@link MessageContext}.
 */
public record ListenerMethod(Object bean, Method method, String description, JavaType payloadType, int contextIndex,
		String topic, String consumerGroup, String tag, boolean orderly, int maxReconsumeTimes) {

	/** Redeliveries of a failing message of a concurrent listener, by default: RocketMQ's own default. */
	static final int CONCURRENT_RECONSUME_TIMES = 16;

	/** An orderly listener retries by default for as long as a message fails: skipping it would break the order. */
	static final int UNLIMITED = Integer.MAX_VALUE;

	public static ListenerMethod of(Object bean, Method method, ReliableListener annotation, Environment environment,
			PayloadBinder binder) {
		String description = method.getDeclaringClass().getName() + "." + method.getName();
		Class<?> returnType = method.getReturnType();
		if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)
				|| returnType.getName().equals("org.reactivestreams.Publisher")) {
			throw invalid(description, "returns " + returnType.getSimpleName()
					+ ": the message would be acknowledged before the work is done. Return void and do the work "
					+ "in the method.");
		}
		if (AnnotatedElementUtils.hasAnnotation(method, Async.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getDeclaringClass(), Async.class)) {
			throw invalid(description, "is @Async: the message would be acknowledged before the work is done. "
					+ "Remove @Async.");
		}
		int payloadIndex = -1;
		int contextIndex = -1;
		Class<?>[] parameters = method.getParameterTypes();
		for (int i = 0; i < parameters.length; i++) {
			if (parameters[i] == MessageContext.class && contextIndex < 0) {
				contextIndex = i;
			}
			else if (payloadIndex < 0) {
				payloadIndex = i;
			}
			else {
				throw invalid(description, "must take one payload parameter and optionally a MessageContext");
			}
		}
		if (payloadIndex < 0) {
			throw invalid(description, "has no payload parameter");
		}
		JavaType payloadType = binder.typeOf(method.getGenericParameterTypes()[payloadIndex]);
		if (PayloadBinder.bodyNamesTheClass(payloadType)) {
			throw invalid(description, "takes " + payloadType + ", whose @JsonTypeInfo lets a message name the class "
					+ "to instantiate. Use @JsonTypeInfo(use = JsonTypeInfo.Id.NAME) with @JsonSubTypes listing the "
					+ "allowed subtypes");
		}
		if (!PayloadBinder.bindable(payloadType)) {
			throw invalid(description, "takes " + payloadType + ", which a message body cannot be bound to: use a "
					+ "concrete class, a record, String or byte[], or annotate the abstract type with @JsonTypeInfo");
		}
		String topic = environment.resolveRequiredPlaceholders(annotation.topic());
		String group = environment.resolveRequiredPlaceholders(annotation.consumerGroup());
		try {
			OutboundMessage.builder(topic);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(description, "has an invalid topic: " + ex.getMessage());
		}
		if (group.isBlank() || !group.matches("[%|a-zA-Z0-9_-]{1,120}")) {
			throw invalid(description, "has an invalid consumer group '" + group
					+ "': use 1 to 120 letters, digits, '_' or '-'");
		}
		int declared = annotation.maxReconsumeTimes();
		if (declared != ReliableListener.DEFAULT_RECONSUME_TIMES && (declared < 0 || declared > 1000)) {
			throw invalid(description, "has maxReconsumeTimes " + declared + "; use 0 to 1000, or leave it out");
		}
		int maxReconsumeTimes = (declared != ReliableListener.DEFAULT_RECONSUME_TIMES) ? declared
				: annotation.orderly() ? UNLIMITED : CONCURRENT_RECONSUME_TIMES;
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		return new ListenerMethod(bean, invocable, description, payloadType, contextIndex, topic, group,
				annotation.tag().isBlank() ? "*" : annotation.tag(), annotation.orderly(), maxReconsumeTimes);
	}

	/** Calls the method with the payload and, if it takes one, the context. */
	void invoke(Object payload, MessageContext context) throws Throwable {
		Object[] args = new Object[(this.contextIndex < 0) ? 1 : 2];
		int payloadIndex = (this.contextIndex == 0) ? 1 : 0;
		args[payloadIndex] = payload;
		if (this.contextIndex >= 0) {
			args[this.contextIndex] = context;
		}
		try {
			this.method.invoke(this.bean, args);
		}
		catch (java.lang.reflect.InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private static IllegalStateException invalid(String description, String problem) {
		return new IllegalStateException("@ReliableListener method " + description + " " + problem);
	}

}
