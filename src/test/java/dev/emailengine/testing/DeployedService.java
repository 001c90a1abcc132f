package dev.emailengine.testing;

import java.io.File;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every Arquillian IT class needs: the WAR the build produced (not a test-made archive),
 * deployed on Payara Micro and reached over HTTP only, and the test SMTP server on the port the
 * service was configured with. Each subclass gets its own server boot and its own SMTP server.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class DeployedService {

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
    }

    @ArquillianResource
    protected URL base;

    protected static TestSmtpServer smtp;

    @BeforeAll
    static void startSmtp() throws Exception {
        smtp = TestSmtpServer.onConfiguredPort();
    }

    @AfterAll
    static void stopSmtp() throws Exception {
        smtp.close();
    }

    protected Api api() {
        return new Api(base);
    }
}
