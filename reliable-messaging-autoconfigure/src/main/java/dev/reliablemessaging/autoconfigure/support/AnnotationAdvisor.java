package dev.reliablemessaging.autoconfigure.support;

import java.lang.annotation.Annotation;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Applies an interceptor to the methods carrying an annotation. It has the lowest precedence, so on a method that is
 * also {@code @Transactional} it runs inside the transaction.
 */
public final class AnnotationAdvisor extends AbstractPointcutAdvisor {

	private final transient MethodInterceptor interceptor;

	private final transient Pointcut pointcut;

	public AnnotationAdvisor(Class<? extends Annotation> annotation, MethodInterceptor interceptor) {
		this.interceptor = interceptor;
		this.pointcut = new AnnotationMatchingPointcut(null, annotation, true);
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
