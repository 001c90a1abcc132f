package dev.emailengine.dkim.entity;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /dkim}: every configured selector; empty when no key is configured (mail goes out unsigned). */
@Schema(name = "DkimRecords", description = "The DKIM selectors configured, by domain")
public record DkimRecords(List<DkimRecord> keys) {
}
