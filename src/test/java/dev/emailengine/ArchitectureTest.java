package dev.emailengine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The components depend one way: none imports another in a circle, and the shared helpers in
 * {@code platform} depend on no business component (only on {@code problems}, the error
 * vocabulary every layer throws). What a component needs to tell others travels as a
 * CDI event it fires, not as a call up the graph.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.emailengine");

    @Test
    void componentsImportEachOtherWithoutCycles() {
        slices().matching("dev.emailengine.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void platformDependsOnNoBusinessComponent() {
        noClasses().that().resideInAPackage("dev.emailengine.platform..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.emailengine.access..", "dev.emailengine.dispatch..",
                        "dev.emailengine.docs..", "dev.emailengine.emails..", "dev.emailengine.health..",
                        "dev.emailengine.metrics..", "dev.emailengine.queue..",
                        "dev.emailengine.suppressions..", "dev.emailengine.templates..")
                .check(CLASSES);
    }

    @Test
    void stateChangingComponentsDoNotCallTheOnesThatWatch() {
        noClasses().that().resideInAnyPackage("dev.emailengine.queue..", "dev.emailengine.dispatch..")
                .should().dependOnClassesThat().resideInAPackage("dev.emailengine.metrics..")
                .check(CLASSES);
    }

    /** A hard bounce reaches the suppression list as an event it observes, never as a call from delivery. */
    @Test
    void deliveryDoesNotCallTheSuppressionList() {
        noClasses().that().resideInAnyPackage("dev.emailengine.queue..", "dev.emailengine.dispatch..")
                .should().dependOnClassesThat().resideInAPackage("dev.emailengine.suppressions..")
                .check(CLASSES);
    }
}
