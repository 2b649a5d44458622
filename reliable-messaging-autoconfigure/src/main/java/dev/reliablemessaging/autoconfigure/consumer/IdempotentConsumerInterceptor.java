package dev.reliablemessaging.autoconfigure.consumer;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.reliablemessaging.DedupKey;
import dev.reliablemessaging.IdempotentConsumer;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.rocketmq.common.message.MessageExt;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs an {@link IdempotentConsumer} method in a transaction with its inbox row, and skips it for a key that was
 * already processed.
 */
final class IdempotentConsumerInterceptor implements MethodInterceptor {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private final ObjectProvider<InboxStore> inbox;

	private final ObjectProvider<InboxTransactions> transactions;

	private final DefaultParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<Method, Target> targets = new ConcurrentHashMap<>();

	IdempotentConsumerInterceptor(ObjectProvider<InboxStore> inbox, ObjectProvider<InboxTransactions> transactions) {
		this.inbox = inbox;
		this.transactions = transactions;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: invocation.getMethod().getDeclaringClass();
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		Target target = this.targets.computeIfAbsent(method, Target::of);
		Object key = target.key().getValue(
				new MethodBasedEvaluationContext(null, method, invocation.getArguments(), this.parameterNames));
		if (key == null) {
			throw new IllegalArgumentException("@IdempotentConsumer key '" + target.key().getExpressionString()
					+ "' of " + method + " is null");
		}
		TransactionTemplate transaction = this.transactions.getObject().template();
		InboxStore store = this.inbox.getObject();
		Holder result;
		try {
			result = transaction.execute((status) -> {
				if (!store.markProcessed(target.group(), key.toString(), "")) {
					return new Holder(null);
				}
				try {
					return new Holder(invocation.proceed());
				}
				catch (RuntimeException | Error ex) {
					throw ex;
				}
				catch (Throwable ex) {
					throw new CheckedFailure(ex);
				}
			});
		}
		catch (CheckedFailure ex) {
			throw ex.getCause();
		}
		Object value = (result != null) ? result.value() : null;
		Class<?> returnType = method.getReturnType();
		if (value == null && returnType.isPrimitive() && returnType != void.class) {
			// a skipped duplicate of a method returning a primitive answers its default value
			return java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(returnType, 1), 0);
		}
		return value;
	}

	/** Checks an annotated method at start-up: its key must be given or found. */
	static void check(Method method) {
		Target.of(method);
	}

	private record Holder(@Nullable Object value) {
	}

	/** Carries a checked exception of the method through the transaction callback, to be thrown as it was. */
	private static final class CheckedFailure extends RuntimeException {

		CheckedFailure(Throwable cause) {
			super(cause);
		}

	}

	private record Target(Expression key, String group) {

		static Target of(Method method) {
			IdempotentConsumer annotation = AnnotatedElementUtils.findMergedAnnotation(method,
					IdempotentConsumer.class);
			if (annotation == null) {
				throw new IllegalStateException("No @IdempotentConsumer on " + method);
			}
			String group = annotation.consumerGroup().isBlank() ? namespace(method) : annotation.consumerGroup();
			return new Target(parser.parseExpression(key(method, annotation)), group);
		}

		/** The method's class, name and parameter types: unique within the application, whatever overloads it has. */
		static String namespace(Method method) {
			return method.getDeclaringClass().getName() + "#" + method.getName() + Arrays.stream(method.getParameterTypes())
				.map(Class::getName)
				.collect(Collectors.joining(",", "(", ")"));
		}

		/** The key expression: the annotation's, or the dedup key of the method's one MessageExt parameter. */
		private static String key(Method method, IdempotentConsumer annotation) {
			if (!annotation.key().isBlank()) {
				return annotation.key();
			}
			Class<?>[] types = method.getParameterTypes();
			for (int i = 0; i < types.length; i++) {
				if (MessageExt.class.isAssignableFrom(types[i])) {
					return "T(" + DedupKey.class.getName() + ").of(#p" + i + ")";
				}
			}
			throw new IllegalStateException("@IdempotentConsumer on " + method + " has no key: give it one (SpEL over "
					+ "the arguments), or let the method take the RocketMQ MessageExt it consumes");
		}

	}

}
