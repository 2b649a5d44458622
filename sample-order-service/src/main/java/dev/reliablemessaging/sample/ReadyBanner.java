package dev.reliablemessaging.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Says where to send requests once the service is up.
 */
@Component
class ReadyBanner {

	private static final Logger logger = LoggerFactory.getLogger(ReadyBanner.class);

	private final Environment environment;

	ReadyBanner(Environment environment) {
		this.environment = environment;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		String base = "http://localhost:" + this.environment.getProperty("local.server.port", "8080");
		logger.info("""

				Order service ready at {}
				  place an order:  curl -i -X POST {}/orders -H 'Content-Type: application/json' -d '{"sku":"apple","quantity":2}'
				  see it:          curl {}/orders/<id>
				  list confirmed:  curl '{}/orders?status=CONFIRMED'
				  stock left:      SKUs apple, banana, cherry (plenty) and rare-widget (200 units)
				  the outbox:      curl -u operator:operator-password {}/actuator/reliablemessaging
				""", base, base, base, base, base);
	}

}
