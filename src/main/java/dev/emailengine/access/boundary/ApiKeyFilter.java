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
import java.util.regex.Pattern;

/**
 * Every request needs a valid key ({@code Authorization: Bearer <key>} or {@code X-API-Key}) when
 * keys are configured, except health, the API documentation, the dashboard's static files and
 * unsubscribe links, which load balancers, people reading the docs, a browser before it has a key
 * and mailbox providers need without one. A refusal says nothing about why. A caller with a
 * valid key is marked as an {@link AccessPolicy#API_CLIENT} wherever it goes, so open endpoints
 * can show such a caller more ({@code GET /health} shows its reasons).
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    static final String API_KEY_HEADER = AccessPolicy.API_KEY_HEADER;

    /** {@code unsubscribe/} and one token: base64url and the dot between its halves, never {@code .} or {@code ..}. */
    /** The dashboard's page and its script and style files; its figures ({@code dashboard/figures}) are the API's. */
    private static final Pattern DASHBOARD_FILE = Pattern.compile("dashboard(/[a-z0-9.-]{1,64}\\.(js|css))?");

    private static final Pattern UNSUBSCRIBE_LINK = Pattern.compile("unsubscribe/(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,600}");

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

    /**
     * Health (the original's and MicroProfile's), the docs, the dashboard's files (no data: the
     * page asks for a key before it reads any), and unsubscribe links (mailbox
     * providers follow them without a key; the signed token is their credential); everything else
     * is the API. An unsubscribe path is open only as one segment of token characters, so no
     * {@code ..} or encoded slash can carry a request from it to another endpoint.
     */
    static boolean isOpen(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.equals("health") || p.equals("docs") || p.startsWith("docs/") || p.equals("openapi")
                || p.startsWith("openapi/") || DASHBOARD_FILE.matcher(p).matches() || UNSUBSCRIBE_LINK.matcher(p).matches();
    }


    private static String presentedKey(ContainerRequestContext request) {
        return AccessPolicy.presentedKey(request::getHeaderString);
    }
}
