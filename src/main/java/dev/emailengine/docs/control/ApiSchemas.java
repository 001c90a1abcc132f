package dev.emailengine.docs.control;

import dev.emailengine.dashboard.entity.DashboardFigures;
import dev.emailengine.dispatch.entity.BatchRun;
import dev.emailengine.dispatch.entity.DeliveryPause;
import dev.emailengine.dispatch.entity.WorkersStatus;
import dev.emailengine.dkim.entity.DkimRecords;
import dev.emailengine.docs.control.RecordSchemas.Use;
import dev.emailengine.docs.entity.ServiceIndex;
import dev.emailengine.emails.entity.AcceptedBatch;
import dev.emailengine.emails.entity.AcceptedEmail;
import dev.emailengine.emails.entity.BulkRequest;
import dev.emailengine.emails.entity.EmailRequest;
import dev.emailengine.health.entity.Health;
import dev.emailengine.problems.entity.Problem;
import dev.emailengine.queue.entity.DeadLetterPage;
import dev.emailengine.queue.entity.EmailDetails;
import dev.emailengine.queue.entity.QueueStatus;
import dev.emailengine.queue.entity.Requeued;
import dev.emailengine.suppressions.entity.Suppression;
import dev.emailengine.suppressions.entity.SuppressionPage;
import dev.emailengine.suppressions.entity.SuppressionRequest;
import dev.emailengine.webhooks.entity.CreatedEndpoint;
import dev.emailengine.webhooks.entity.DeliveryList;
import dev.emailengine.webhooks.entity.EndpointList;
import dev.emailengine.webhooks.entity.WebhookRequest;
import dev.emailengine.templates.entity.RenderedEmail;
import dev.emailengine.templates.entity.TemplateList;
import dev.emailengine.templates.entity.TemplatePreview;
import dev.emailengine.templates.entity.TemplateSummary;
import dev.emailengine.templates.entity.TemplateUpdate;
import dev.emailengine.templates.entity.TemplateView;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASModelReader;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * The component schemas of {@code /openapi}, built from the records the API reads and writes
 * ({@code mp.openapi.model.reader}); the resources refer to them by name with
 * {@code @Schema(ref = ...)}. The servers' own annotation scanners are kept off these records
 * ({@code mp.openapi.scan.exclude.packages}): Payara 6's turns records into wrong schemas.
 */
public class ApiSchemas implements OASModelReader {

    /** Every response body; the records they nest are added as they are met. */
    static final List<Class<? extends Record>> RESPONSES = List.of(AcceptedEmail.class, AcceptedBatch.class,
            EmailDetails.class, QueueStatus.class, DeadLetterPage.class, Requeued.class, WorkersStatus.class,
            DeliveryPause.class, BatchRun.class, Health.class, ServiceIndex.class, TemplateList.class,
            TemplateView.class, TemplateSummary.class, RenderedEmail.class, DkimRecords.class, Suppression.class,
            SuppressionPage.class, Problem.class, DashboardFigures.class, EndpointList.class, CreatedEndpoint.class,
            DeliveryList.class);

    @Override
    public OpenAPI buildModel() {
        return OASFactory.createOpenAPI().components(OASFactory.createComponents().schemas(schemas().components()));
    }

    static RecordSchemas schemas() {
        var schemas = new RecordSchemas();
        schemas.add(EmailRequest.class, Use.read(EmailRequest.Single.class));
        // POST /emails binds one JSON object to both: the shared message and the recipients.
        schemas.add(BulkRequest.class, Use.read(), EmailRequest.class);
        schemas.add(TemplateUpdate.class, Use.read());
        schemas.add(TemplatePreview.class, Use.read());
        schemas.add(SuppressionRequest.class, Use.read());
        schemas.add(WebhookRequest.class, Use.read());
        RESPONSES.forEach(type -> schemas.add(type, Use.RESPONSE));
        return schemas;
    }
}
