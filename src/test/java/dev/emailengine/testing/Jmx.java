package dev.emailengine.testing;

import com.sun.tools.attach.VirtualMachine;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** Reads MBeans of another local JVM the way JConsole does: attach, start its local agent, connect. */
public final class Jmx {

    public static final String EMAIL_ENGINE = "dev.emailengine:type=EmailEngine";

    private Jmx() {
    }

    public static Object attribute(long pid, String objectName, String attribute) throws Exception {
        var vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            var url = new JMXServiceURL(vm.startLocalManagementAgent());
            try (var connector = JMXConnectorFactory.connect(url)) {
                return connector.getMBeanServerConnection().getAttribute(new ObjectName(objectName), attribute);
            }
        } finally {
            vm.detach();
        }
    }
}
