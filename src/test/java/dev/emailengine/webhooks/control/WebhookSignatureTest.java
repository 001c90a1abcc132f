package dev.emailengine.webhooks.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    /** The example of the Standard Webhooks specification and its reference libraries. */
    @Test
    void signsTheSpecificationsExample() {
        String header = WebhookSignature.header(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", header);
    }

    @Test
    void oneSignaturePerSecretSeparatedBySpaces() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String a = WebhookSignature.newSecret();
        String b = WebhookSignature.newSecret();
        String both = WebhookSignature.header(List.of(a, b), "msg_1", 1, body);
        assertEquals(WebhookSignature.header(List.of(a), "msg_1", 1, body) + " "
                + WebhookSignature.header(List.of(b), "msg_1", 1, body), both);
    }

    @Test
    void secretsAreWhsecAndTheBase64OfThirtyTwoRandomBytes() {
        String secret = WebhookSignature.newSecret();
        assertTrue(secret.startsWith("whsec_"));
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        assertNotEquals(secret, WebhookSignature.newSecret());
    }
}
