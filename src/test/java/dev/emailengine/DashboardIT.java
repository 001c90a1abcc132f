package dev.emailengine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emailengine.testing.Api;
import dev.emailengine.testing.DeployedService;
import jakarta.json.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in a real headless Chromium (Debian's, through its own chromedriver; nothing is
 * downloaded), over the real WAR on Payara Micro delivering to the test SMTP server. The suite
 * runs with API_KEYS set, so every test first meets the key prompt.
 */
class DashboardIT extends DeployedService {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private ChromeDriver browser;
    private Path profile;

    @BeforeEach
    void openBrowser() throws IOException {
        profile = Files.createTempDirectory(Path.of("target"), "chromium-");
        var options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        // As root in a container, without a GPU, and never reaching out to the internet.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,1400");
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit(); // ends the chromedriver and the Chromium this test started
        }
        try (var files = Files.walk(profile)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private void signIn(String key) {
        await("the key prompt").atMost(PATIENCE).until(() -> byId("login").isDisplayed());
        assertFalse(byId("board").isDisplayed(), "nothing of the board shows before a key is accepted");
        byId("key").clear();
        byId("key").sendKeys(key);
        browser.findElement(By.cssSelector("#login-form button")).click();
    }

    private void openDashboard() {
        browser.get(url("/dashboard"));
        signIn(System.getProperty("it.api.key"));
        await("the dashboard").atMost(PATIENCE).until(() -> byId("board").isDisplayed());
        assertFalse(byId("login").isDisplayed(), "the key prompt is gone");
    }

    private String post(String to, String subject) {
        String json = Json.createObjectBuilder().add("to_email", to).add("subject", subject).add("body", "x").build()
                .toString();
        Api.Reply reply = api().post("email", json);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getString("request_id");
    }

    private static String recipient(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    private List<LogEntry> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    }

    private String chartPixels(String chart) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const c = document.querySelector('#' + arguments[0] + ' canvas'); return c ? c.toDataURL() : '';", chart);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void assertNoAlert(ChromeDriver browser) {
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), "a script ran alert()");
    }

    /** Dead letters' rows whose first cell is {@code id}. */
    private List<WebElement> deadLetterRows(String id) {
        return browser.findElements(By.cssSelector("#dead-letters tbody tr")).stream()
                .filter(row -> row.findElements(By.tagName("td")).get(0).getText().equals(id)).toList();
    }

    @Test
    void thePageLoadsCleanAndItsCountsAndChartMoveWhenEmailsAreSent() throws IOException {
        openDashboard();
        await("the first figures").atMost(PATIENCE).until(() -> !byId("updated").getText().equals("never"));
        long sentBefore = Long.parseLong(byId("sent-hour").getText().replaceAll("[^0-9]", ""));
        String ratesBefore = chartPixels("chart-rates");
        String latencyBefore = chartPixels("chart-latency");

        for (int i = 0; i < 5; i++) {
            post(recipient("dash"), "Dashboard " + i);
        }

        await("the sent count to move").atMost(PATIENCE)
                .until(() -> Long.parseLong(byId("sent-hour").getText().replaceAll("[^0-9]", "")) >= sentBefore + 5);
        await("the rates chart to move").atMost(PATIENCE).until(() -> !chartPixels("chart-rates").equals(ratesBefore));
        await("the latency chart to draw the sends").atMost(PATIENCE)
                .until(() -> !chartPixels("chart-latency").equals(latencyBefore));
        for (String state : List.of("queued", "scheduled", "retrying", "processing", "dead")) {
            // Exact figures: the file store counts in memory, so no "+" and no stale marker.
            String shown = byId("depth-" + state).getText();
            assertTrue(shown.matches("[0-9][0-9,.]*"), state + " shows " + shown);
        }
        assertFalse(byId("depth-stale").isDisplayed(), "the store answers: the depth is current");
        assertFalse(byId("workers").findElements(By.cssSelector("tbody tr")).isEmpty(), "the workers are listed");
        assertTrue(byId("domains").getText().contains("example.com"), byId("domains").getText());
        assertEquals(List.of(), consoleErrors(), "the console stays clean (no CSP violation, no script error)");
        screenshot("dashboard.png");

        browser.manage().window().setSize(new Dimension(390, 844));
        Object overflow = ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
        assertTrue(((Number) overflow).longValue() <= 0, "no sideways scrolling on a phone: " + overflow + " px too wide");
        screenshot("dashboard-phone.png");
    }

    @Test
    void aRefusedEmailShowsAsADeadLetterWithItsReplyAndRetryRequeuesIt() {
        String to = recipient("gate");
        String id = post(to, "Held at the gate");
        api().awaitState(id, "dead", PATIENCE);
        openDashboard();

        await("the dead letter in the list").atMost(PATIENCE).until(() -> deadLetterRows(id).size() == 1);
        WebElement row = deadLetterRows(id).get(0);
        assertTrue(row.getText().contains("550"), "the last SMTP reply is shown: " + row.getText());
        smtp.open(to);
        row.findElement(By.tagName("button")).click();

        smtp.awaitTo(to, 1, PATIENCE);
        await("the row to go").atMost(PATIENCE).until(() -> deadLetterRows(id).isEmpty());
        assertEquals("sent", api().awaitState(id, "sent", PATIENCE).getString("state"));
    }

    @Test
    void aSubjectMadeOfMarkupIsShownAsTextAndRunsNothing() {
        String subject = "<img src=x onerror=alert(1)>";
        String id = post(recipient("gate"), subject);
        api().awaitState(id, "dead", PATIENCE);
        openDashboard();

        await("the dead letter in the list").atMost(PATIENCE).until(() -> deadLetterRows(id).size() == 1);
        WebElement cell = deadLetterRows(id).get(0).findElement(By.cssSelector("td.subject"));
        assertEquals(subject, cell.getText());
        assertTrue(cell.findElements(By.tagName("img")).isEmpty(), "no element was made from the subject");

        byId("find-id").sendKeys(id);
        browser.findElement(By.cssSelector("#find-form button")).click();
        await("the email's details").atMost(PATIENCE).until(() -> subject.equals(byId("email-subject").getText()));
        assertTrue(browser.findElements(By.cssSelector("main img")).isEmpty(), "no image anywhere on the page");
        assertTrue(byId("attempts").getText().contains("550"), byId("attempts").getText());
        assertNoAlert(browser);
    }

    @Test
    void theOperatorPausesCancelsAScheduledEmailRemovesASuppressionAndPreviewsATemplate() {
        String later = Json.createObjectBuilder().add("to_email", recipient("later")).add("subject", "Later")
                .add("body", "x").add("send_at", Instant.now().plus(Duration.ofHours(1)).toString()).build().toString();
        Api.Reply scheduled = api().post("email", later);
        assertEquals(200, scheduled.status(), scheduled.body());
        String id = scheduled.json().getString("request_id");
        String suppressed = recipient("suppressed");
        assertEquals(201, api().post("suppressions", "{\"address\": \"" + suppressed + "\"}").status());
        openDashboard();

        try {
            await("the pause button").atMost(PATIENCE).until(() -> byId("pause").isEnabled());
            byId("pause").click();
            await("paused").atMost(PATIENCE).until(() -> byId("engine-state").getText().equals("paused"));
            assertTrue(api().get("workers/status").json().getBoolean("paused"));
            byId("resume").click();
            await("running again").atMost(PATIENCE).until(() -> byId("engine-state").getText().equals("running"));
            assertFalse(api().get("workers/status").json().getBoolean("paused"));
        } finally {
            api().post("workers/resume", "");
        }

        byId("find-id").sendKeys(id);
        browser.findElement(By.cssSelector("#find-form button")).click();
        await("the scheduled email").atMost(PATIENCE).until(() -> byId("email-state").getText().equals("queued"));
        byId("cancel-email").click();
        await("the cancel").atMost(PATIENCE).until(() -> byId("email-state").getText().equals("cancelled"));
        assertEquals("cancelled", api().get("email/" + id).json().getString("state"));

        byId("suppressions-search").sendKeys(suppressed);
        browser.findElement(By.cssSelector("#suppressions-form button")).click();
        await("the suppression found").atMost(PATIENCE).until(() -> byId("suppressions").getText().contains(suppressed));
        byId("suppressions").findElement(By.cssSelector("tbody tr button")).click();
        // Removing a suppression asks first.
        Alert confirm = await("the confirmation").atMost(PATIENCE).ignoreExceptions()
                .until(() -> browser.switchTo().alert(), java.util.Objects::nonNull);
        assertTrue(confirm.getText().contains(suppressed), confirm.getText());
        confirm.accept();
        await("the suppression removed").atMost(PATIENCE).until(() -> !byId("suppressions").getText().contains(suppressed));
        assertEquals(0, api().get("suppressions?search=" + suppressed).json().getInt("count"));

        new Select(byId("template")).selectByValue("welcome");
        byId("template-vars").clear();
        byId("template-vars").sendKeys("{\"name\": \"<b>Ada</b>\", \"app_name\": \"ACME\", \"username\": \"ada\","
                + " \"email\": \"ada@example.com\", \"signup_date\": \"2026-12-02\"}");
        browser.findElement(By.cssSelector("#preview-form button")).click();
        await("the preview").atMost(PATIENCE).until(() -> byId("preview-subject").getText().equals("Welcome to ACME, <b>Ada</b>!"));
        assertTrue(byId("preview-html").getText().contains("&lt;b&gt;Ada&lt;/b&gt;"),
                "the HTML part is shown as its source, the value escaped by the renderer: " + byId("preview-html").getText());
        assertTrue(byId("preview").findElements(By.tagName("b")).isEmpty(), "no markup from a variable became an element");
        assertEquals(List.of(), consoleErrors());
    }

    @Test
    void withApiKeysThePageAsksForAKeyAndAWrongOneIsRefused() {
        browser.get(url("/dashboard"));
        signIn("not-a-key-of-this-service");

        await("the refusal").atMost(PATIENCE).until(() -> byId("login-error").isDisplayed());
        assertTrue(byId("login-error").getText().contains("refused"), byId("login-error").getText());
        assertFalse(byId("board").isDisplayed());
        assertFalse(browser.getCurrentUrl().contains("not-a-key"), "the key never goes into a URL");

        signIn(System.getProperty("it.api.key"));
        await("the dashboard").atMost(PATIENCE).until(() -> byId("board").isDisplayed());
        assertFalse(byId("login").isDisplayed());
    }

    @Test
    void theFilesArePublicWithAStrictPolicyAndTheFiguresNeedAKey() {
        Api anonymous = api().withKey(null);
        for (String path : List.of("dashboard", "dashboard/dashboard.js", "dashboard/uplot.min.js",
                "dashboard/uplot.min.css")) {
            Api.Reply reply = anonymous.get(path);
            assertEquals(200, reply.status(), path);
            String policy = reply.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe"), path + ": " + policy);
        }
        assertEquals(401, anonymous.get("dashboard/figures").status());
        assertEquals(404, anonymous.get("dashboard/other.js").status());
        Api.Reply figures = api().get("dashboard/figures");
        assertEquals(200, figures.status(), figures.body());
        assertEquals(5, figures.json().getInt("interval_seconds"));
    }
}
