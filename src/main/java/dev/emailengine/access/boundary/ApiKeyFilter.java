package dev.emailengine.access.boundary;

import dev.emailengine.access.control.AccessPolicy;
import dev.emailengine.problems.boundary.Problems;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;

/**
 * Every request needs a valid key ({@code Authorization: Bearer <key>} or {@code X-API-Key}) when
 * keys are configured, except health and the API documentation, which load balancers and
 * people reading the docs need without one. A refusal says nothing about why. A caller with a
 * valid key is marked as an {@link AccessPolicy#API_CLIENT} wherever it goes, so open endpoints
 * can show such a caller more ({@code GET /health} shows its reasons).
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    static final String API_KEY_HEADER = AccessPolicy.API_KEY_HEADER;

    @Inject
    AccessPolicy policy;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!policy.required()) {
            return;
        }
        if (policy.accepts(presentedKey(request))) {
            request.setSecurityContext(new ApiClient(request.getSecurityContext().isSecure()));
        } else if (!isOpen(request.getUriInfo().getPath())) {
            Response problem = Problems.of(Response.Status.UNAUTHORIZED.getStatusCode(), "Unauthorized", null, null);
            request.abortWith(Response.fromResponse(problem)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"email-engine\"").build());
        }
    }

    /** A caller that presented a valid key; which key is nobody's business downstream. */
    private record ApiClient(boolean secure) implements SecurityContext {
        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public Principal getUserPrincipal() {
            return () -> AccessPolicy.API_CLIENT;
        }

        @Override
        public boolean isUserInRole(String role) {
            return AccessPolicy.API_CLIENT.equals(role);
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }

    /** Health (the original's and MicroProfile's) and the docs; everything else is the API. */
    static boolean isOpen(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.equals("health") || p.equals("docs") || p.startsWith("docs/") || p.equals("openapi")
                || p.startsWith("openapi/");
    }

    private static String presentedKey(ContainerRequestContext request) {
        return AccessPolicy.presentedKey(request::getHeaderString);
    }
}
