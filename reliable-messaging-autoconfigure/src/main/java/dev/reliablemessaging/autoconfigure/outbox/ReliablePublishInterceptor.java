package dev.reliablemessaging.autoconfigure.outbox;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.reliablemessaging.OutboundMessage;
import dev.reliablemessaging.OutboxPublisher;
import dev.reliablemessaging.ReliablePublish;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Writes the outbox row of a {@link ReliablePublish} method after it returns, inside the method's transaction (the
 * advisor is the innermost one, see {@link InnermostAdvisingPostProcessor}). It checks for the transaction before the
 * method runs, so nothing runs without one; a message that cannot be built or written keeps the transaction from
 * committing.
 */
final class ReliablePublishInterceptor implements MethodInterceptor {

	private static final ExpressionParser parser = new SpelExpressionParser();

	private final ObjectProvider<OutboxPublisher> publisher;

	private final ObjectProvider<PublishingTransaction> transaction;

	private final Environment environment;

	private final BeanFactory beanFactory;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<Method, PublishExpressions> expressionsByMethod = new ConcurrentHashMap<>();

	ReliablePublishInterceptor(ObjectProvider<OutboxPublisher> publisher, ObjectProvider<PublishingTransaction> transaction,
			Environment environment, BeanFactory beanFactory) {
		this.publisher = publisher;
		this.transaction = transaction;
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: method.getDeclaringClass();
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		PublishExpressions expressions = this.expressionsByMethod.computeIfAbsent(specific, this::parse);
		PublishingTransaction.requireSynchronized("publish a message to topic '" + expressions.topicText() + "'");
		Object result = invocation.proceed();
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(null, specific,
				invocation.getArguments(), this.parameterNames);
		context.setVariable("result", result);
		context.setBeanResolver(new BeanFactoryResolver(this.beanFactory));
		try {
			if (expressions.condition() == null
					|| Boolean.TRUE.equals(expressions.condition().getValue(context, Boolean.class))) {
				this.publisher.getObject().publish(expressions.message(context));
			}
		}
		catch (RuntimeException ex) {
			this.transaction.getObject().failed(expressions.topicText(), ex);
			throw ex;
		}
		return result;
	}

	private PublishExpressions parse(Method method) {
		ReliablePublish annotation = AnnotatedElementUtils.findMergedAnnotation(method, ReliablePublish.class);
		if (annotation == null) {
			throw new IllegalStateException("No @ReliablePublish on " + method);
		}
		return PublishExpressions.parse(method, annotation, this.environment);
	}

	/** The parsed attributes of one annotated method. */
	record PublishExpressions(String topicText, Expression topic, @Nullable Expression tag,
			@Nullable Expression key, @Nullable Expression orderingKey, Expression payload,
			@Nullable Expression condition) {

		static PublishExpressions parse(Method method, ReliablePublish annotation, Environment environment) {
			String where = "@ReliablePublish on " + method.getDeclaringClass().getName() + "." + method.getName();
			String topic = environment.resolveRequiredPlaceholders(annotation.topic());
			String tag = environment.resolveRequiredPlaceholders(annotation.tag());
			if (annotation.payload().contains("#result") && method.getReturnType() == void.class) {
				throw new IllegalStateException(where + " publishes #result, but the method returns void: "
						+ "set payload to an expression over the arguments, for example payload = \"#p0\"");
			}
			try {
				return new PublishExpressions(topic, parser.parseExpression(topic, ParserContext.TEMPLATE_EXPRESSION),
						tag.isEmpty() ? null : parser.parseExpression(tag, ParserContext.TEMPLATE_EXPRESSION),
						optional(annotation.key()), optional(annotation.orderingKey()),
						parser.parseExpression(annotation.payload()), optional(annotation.condition()));
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException(where + " has an expression that does not parse: " + ex.getMessage(),
						ex);
			}
		}

		OutboundMessage message(EvaluationContext context) {
			String topicValue = this.topic.getValue(context, String.class);
			OutboundMessage.Builder builder = OutboundMessage.builder((topicValue != null) ? topicValue : "");
			builder.tag(string(this.tag, context));
			builder.key(string(this.key, context));
			builder.orderingKey(string(this.orderingKey, context));
			Object payloadValue = this.payload.getValue(context);
			if (payloadValue == null) {
				throw new IllegalArgumentException("payload of a message to topic '" + topicValue + "' is null (from '"
						+ this.payload.getExpressionString() + "')");
			}
			return builder.payload(payloadValue).build();
		}

		private static @Nullable Expression optional(String expression) {
			return expression.isBlank() ? null : parser.parseExpression(expression);
		}

		private static @Nullable String string(@Nullable Expression expression, EvaluationContext context) {
			if (expression == null) {
				return null;
			}
			Object value = expression.getValue(context);
			return (value != null) ? value.toString() : null;
		}

	}

}
