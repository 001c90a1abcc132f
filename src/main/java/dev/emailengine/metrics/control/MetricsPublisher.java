package dev.emailengine.metrics.control;

import dev.emailengine.dispatch.control.Dispatcher;
import dev.emailengine.pacing.control.RateLimits;
import dev.emailengine.queue.control.MailQueue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes the queue and worker figures: as MicroProfile gauges (queue depth by state, active
 * workers) next to {@link EmailMetrics}' counters, and as the {@link EmailEngineMXBean}.
 */
@Singleton
@Startup
@DependsOn({"MailQueue", "Dispatcher"})
public class MetricsPublisher {

    private static final System.Logger LOG = System.getLogger(MetricsPublisher.class.getName());
    public static final String OBJECT_NAME = "dev.emailengine:type=EmailEngine";

    @Inject
    MailQueue queue;

    @Inject
    Dispatcher dispatcher;

    @Inject
    EmailMetrics metrics;

    @Inject
    RateLimits rateLimits;

    private ObjectName name;

    @PostConstruct
    void publish() {
        var status = new EngineStatus(queue, dispatcher, metrics, rateLimits);
        metrics.publishGauges(status);
        try {
            name = new ObjectName(OBJECT_NAME);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // left by an earlier deployment that did not undeploy cleanly
            }
            server.registerMBean(status, name);
        } catch (JMException e) {
            LOG.log(Level.WARNING, "could not register the JMX MBean {0}: {1}", OBJECT_NAME, e.getMessage());
            name = null;
        }
    }

    @PreDestroy
    void withdraw() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                LOG.log(Level.DEBUG, "MBean already gone: {0}", e.getMessage());
            }
        }
    }
}
