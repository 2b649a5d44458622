package dev.reliablemessaging.autoconfigure.support;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;

/**
 * Applies one of the starter's advisors as the innermost advice of a bean: appended after the advisors a proxy
 * already has, or in a proxy of its own that any later proxy wraps. So {@code @ReliablePublish} and
 * {@code @IdempotentConsumer} always run inside the transaction of a {@code @Transactional} method they sit on
 * (a {@code REQUIRES_NEW} one included), whatever the orders and registration of the other advisors.
 */
public final class InnermostAdvisingPostProcessor extends AbstractAdvisingBeanPostProcessor {

	public InnermostAdvisingPostProcessor(Advisor advisor) {
		this.advisor = advisor;
		setBeforeExistingAdvisors(false);
		setProxyTargetClass(true);
	}

}
