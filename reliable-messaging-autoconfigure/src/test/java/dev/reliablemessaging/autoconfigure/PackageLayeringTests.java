package dev.reliablemessaging.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.reliablemessaging.autoconfigure.consumer.InboxStore;
import dev.reliablemessaging.autoconfigure.outbox.LayeringViolation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of the library depend one way: {@code ops -> outbox | consumer -> rocketmq | jdbc -> support -> api};
 * no edge between the outbox and the consumer. (That the public API and the embedded broker know nothing of the
 * implementation needs no test: they are modules of their own, which do not depend on this one.)
 */
class PackageLayeringTests {

	private static final String BASE = "dev.reliablemessaging.autoconfigure";

	private static JavaClasses library;

	@BeforeAll
	static void importLibrary() {
		library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
			.importPackages(BASE);
	}

	@Test
	void packagesDependOneWay() {
		layers().check(library);
	}

	@Test
	void everyLibraryClassLivesInAFeaturePackage() {
		ArchRule rule = classes().that()
			.resideInAPackage(BASE)
			.should()
			.haveSimpleName("package-info")
			.because("the root package holds only its package-info");
		rule.allowEmptyShould(true).check(library);
	}

	@Test
	void anOutboxClassThatUsesTheConsumerBreaksTheLayering() {
		JavaClasses forbidden = new ClassFileImporter().importClasses(LayeringViolation.class, InboxStore.class);
		EvaluationResult result = layers().evaluate(forbidden);
		assertThat(result.hasViolation()).as("violation of an outbox class that uses the inbox").isTrue();
		assertThat(result.getFailureReport().getDetails()).anySatisfy((detail) -> assertThat(detail)
			.contains(LayeringViolation.class.getName()).contains(InboxStore.class.getName()));
	}

	static ArchRule layers() {
		return layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("ops").definedBy(BASE + ".ops..")
			.layer("outbox").definedBy(BASE + ".outbox..")
			.layer("consumer").definedBy(BASE + ".consumer..")
			.layer("rocketmq").definedBy(BASE + ".rocketmq..")
			.layer("jdbc").definedBy(BASE + ".jdbc..")
			.layer("support").definedBy(BASE + ".support..")
			.whereLayer("ops").mayNotBeAccessedByAnyLayer()
			.whereLayer("outbox").mayOnlyBeAccessedByLayers("ops")
			.whereLayer("consumer").mayOnlyBeAccessedByLayers("ops")
			.whereLayer("rocketmq").mayOnlyBeAccessedByLayers("ops", "outbox", "consumer")
			.whereLayer("jdbc").mayOnlyBeAccessedByLayers("ops", "outbox", "consumer")
			.whereLayer("support")
			.mayOnlyBeAccessedByLayers("ops", "outbox", "consumer", "rocketmq", "jdbc");
	}

}
