package dev.emailengine.access.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which paths need no API key: health, docs, the dashboard's files, and unsubscribe links alone. */
class ApiKeyFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"health", "/health", "docs", "docs/index.html", "openapi", "openapi/ui",
            "unsubscribe/bmV3cwphZGFAZXhhbXBsZS5jb20.AAAAAAAAAAAAAAAAAAAAAA", "/unsubscribe/x", "unsubscribe/forged-or.garbled",
            "dashboard", "/dashboard", "dashboard/dashboard.js", "dashboard/uplot.min.css"})
    void openWithoutAKey(String path) {
        assertTrue(ApiKeyFilter.isOpen(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "email", "emails", "email/batch_1_2", "status", "suppressions",
            "suppressions/ada@example.com", "templates", "dkim", "workers/status", "process-batch", "dead-letter",
            "unsubscribe", "unsubscribe/", "unsubscribeX/abc", "unsubscribe/..", "unsubscribe/.",
            "unsubscribe/../suppressions", "unsubscribe/abc/../../suppressions", "unsubscribe/abc/x",
            "unsubscribe/abc;x=1", "unsubscribe/a b", "unsubscribe/abc%2F..%2Fsuppressions", "x/unsubscribe/abc",
            "Unsubscribe/abc", "metrics", "health/ready/../../status",
            "dashboard/figures", "dashboard/", "dashboard/../status", "dashboard/x.js/../../status",
            "dashboard/a/b.js", "dashboardx", "dashboard/x.json"})
    void everythingElseNeedsAKey(String path) {
        assertFalse(ApiKeyFilter.isOpen(path), path);
    }
}
