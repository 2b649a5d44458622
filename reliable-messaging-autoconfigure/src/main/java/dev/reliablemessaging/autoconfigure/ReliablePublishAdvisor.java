package dev.reliablemessaging.autoconfigure;

import dev.reliablemessaging.ReliablePublish;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Applies {@link ReliablePublishInterceptor} to methods annotated with {@link ReliablePublish}. It has the lowest
 * precedence, so it runs inside the transaction interceptor of the same method.
 */
final class ReliablePublishAdvisor extends AbstractPointcutAdvisor {

	private final transient ReliablePublishInterceptor interceptor;

	private final transient Pointcut pointcut = new AnnotationMatchingPointcut(null, ReliablePublish.class, true);

	ReliablePublishAdvisor(ReliablePublishInterceptor interceptor) {
		this.interceptor = interceptor;
		setOrder(LOWEST_PRECEDENCE);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

}
