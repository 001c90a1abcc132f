package dev.emailengine;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API lives at the root so existing clients of the original service keep their URLs. */
@ApplicationPath("/")
public class EmailEngineApplication extends Application {
}
