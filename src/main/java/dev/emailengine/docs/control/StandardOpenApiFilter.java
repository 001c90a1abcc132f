package dev.emailengine.docs.control;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * Keeps {@code /openapi} a standard OpenAPI document on every server, so client generators and
 * strict validators accept it. Payara 6 adds a top-level {@code endpoints} list of its own to
 * the model (renamed {@code x-endpoints} upstream, payara/Payara#7891) before the filters run;
 * it is emptied here (an empty map is not written) through the model's own setter, found by name so that no Payara class is
 * imported. On servers without it this does nothing.
 */
public class StandardOpenApiFilter implements OASFilter {

    private static final System.Logger LOG = System.getLogger(StandardOpenApiFilter.class.getName());

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        try {
            Method setter = openAPI.getClass().getMethod("setEndpoints", Map.class);
            // Empty rather than null: Payara copies the map when it serves the document.
            setter.invoke(openAPI, new TreeMap<String, Set<String>>());
        } catch (NoSuchMethodException e) {
            // Not Payara, or a Payara that no longer adds the list: nothing to clean.
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not remove the non-standard 'endpoints' from /openapi", e);
        }
    }
}
