package floor;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The framework's floor for bench/run.sh: the cheapest JAX-RS request Payara Micro can serve, so
 * durable enqueue can be printed as a fraction of what the server alone allows on the same machine.
 */
@ApplicationPath("/")
public class FloorApplication extends Application {
}
