package dev.reliablemessaging.autoconfigure.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

import dev.reliablemessaging.OutboxDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Which DataSource holds the outbox and inbox: the one named by {@value #PROPERTY}, else the one marked with
 * {@link OutboxDataSource}, else the single or primary one. Decided on bean definitions, so the same choice serves
 * the condition of the auto-configuration and the bean it creates.
 * @param beanName the chosen DataSource's bean name, or {@code null} when none can be chosen
 * @param problem why none can be chosen, naming the candidates and the fix, or {@code null}
 */
public record OutboxDataSourceChoice(@Nullable String beanName, @Nullable String problem) {

	static final String PROPERTY = "reliable-messaging.outbox.data-source";

	private static final String FIX = "Mark the DataSource of the reliable messaging tables with @OutboxDataSource ("
			+ OutboxDataSource.class.getName() + "), name its bean in " + PROPERTY + ", or mark one DataSource @Primary.";

	public static OutboxDataSourceChoice of(ConfigurableListableBeanFactory beanFactory, Environment environment) {
		List<String> candidates = Arrays.asList(beanFactory.getBeanNamesForType(DataSource.class, true, false));
		List<String> marked = new ArrayList<>();
		List<String> primary = new ArrayList<>();
		for (String name : candidates) {
			if (beanFactory.findAnnotationOnBean(name, OutboxDataSource.class, false) != null) {
				marked.add(name);
			}
			if (beanFactory.containsBeanDefinition(name) && beanFactory.getBeanDefinition(name).isPrimary()) {
				primary.add(name);
			}
		}
		String named = environment.getProperty(PROPERTY);
		if (StringUtils.hasText(named)) {
			if (!candidates.contains(named)) {
				return none("There is no DataSource bean named '" + named + "' (" + PROPERTY + "); the DataSources are "
						+ candidates + ".");
			}
			if (!marked.isEmpty() && !marked.equals(List.of(named))) {
				return none(PROPERTY + " names DataSource '" + named + "', but " + marked + " is marked @OutboxDataSource; "
						+ "choose one way.");
			}
			return new OutboxDataSourceChoice(named, null);
		}
		if (marked.size() == 1) {
			return new OutboxDataSourceChoice(marked.get(0), null);
		}
		if (marked.size() > 1) {
			return none("Several DataSources are marked @OutboxDataSource: " + marked + ". Mark one.");
		}
		if (candidates.size() == 1) {
			return new OutboxDataSourceChoice(candidates.get(0), null);
		}
		if (primary.size() == 1) {
			return new OutboxDataSourceChoice(primary.get(0), null);
		}
		if (candidates.isEmpty()) {
			return none("The application has no DataSource. The reliable messaging starter keeps its outbox and inbox "
					+ "in the application's database: define a DataSource (spring.datasource.url).");
		}
		return none("The application has " + candidates.size() + " DataSources " + candidates
				+ " and none of them is chosen for the reliable messaging tables. " + FIX);
	}

	private static OutboxDataSourceChoice none(String problem) {
		return new OutboxDataSourceChoice(null, problem);
	}

	/** The chosen bean name. */
	public String required() {
		if (this.beanName == null) {
			throw new IllegalStateException(this.problem);
		}
		return this.beanName;
	}

}
