package dev.reliablemessaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Marks the DataSource that holds the outbox and inbox tables when an application has several, the way
 * {@code @FlywayDataSource} marks Flyway's: put it on the {@code @Bean} method (or the class) of that DataSource.
 * The same choice can be made with the property {@code reliable-messaging.outbox.data-source}; without either, the
 * single or primary DataSource is used. Messages are published, and listeners run, in transactions of a transaction
 * manager of this DataSource.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE,
		ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface OutboxDataSource {

}
