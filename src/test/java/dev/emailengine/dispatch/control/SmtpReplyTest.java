package dev.emailengine.dispatch.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emailengine.dispatch.control.SmtpReply.EnhancedStatus;
import dev.emailengine.dispatch.control.SmtpReply.Meaning;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void theEnhancedStatusIsParsedIntoClassSubjectAndDetail() {
        SmtpReply reply = SmtpReply.parse("550 5.1.1 <x@example.com>: user unknown\n");

        assertEquals(550, reply.code());
        assertEquals(new EnhancedStatus(5, 1, 1), reply.enhanced());
        assertEquals("5.1.1", reply.enhancedStatus());
        assertEquals("550 5.1.1 <x@example.com>: user unknown", reply.text());
    }

    @Test
    void multiLineRepliesThreeDigitPartsAndRepliesWithoutAnEnhancedCode() {
        assertEquals("5.7.26", SmtpReply.parse("550-5.7.26 Unauthenticated email\n550 5.7.26 is not accepted")
                .enhancedStatus());
        assertEquals("4.4.123", SmtpReply.parse("451 4.4.123 later").enhancedStatus());
        SmtpReply plain = SmtpReply.parse("550 Requested action not taken: mailbox unavailable");
        assertEquals(550, plain.code());
        assertNull(plain.enhanced());
        assertNull(SmtpReply.parse("550 5.1 not a full code").enhanced());
        assertNull(SmtpReply.parse("550 5.1.1000 four digits").enhanced());
        assertNull(SmtpReply.parse("Exception reading response"), "no reply code, no reply");
        assertNull(SmtpReply.parse(null));
    }

    @Test
    void aCodeGivenApartFromTheTextKeepsTheEnhancedStatusOnlyWhenTheTextAgrees() {
        assertEquals("5.1.1", SmtpReply.of(550, "550 5.1.1 user unknown").enhancedStatus());
        assertNull(SmtpReply.of(451, "550 5.1.1 user unknown").enhanced());
        assertEquals(451, SmtpReply.of(451, null).code());
    }

    @Test
    void eachReplyMeansWhatTheClassificationTableSays() {
        var table = Map.ofEntries(
                Map.entry("250 2.0.0 OK", Meaning.ACCEPTED),
                Map.entry("550 5.1.1 user unknown", Meaning.BOUNCED),
                Map.entry("553 5.1.3 bad address syntax", Meaning.BOUNCED),
                Map.entry("554 5.7.1 rejected as spam", Meaning.REFUSED_BY_POLICY),
                Map.entry("535 5.7.8 authentication failed", Meaning.REFUSED_BY_POLICY),
                Map.entry("552 5.2.2 mailbox full", Meaning.FAILED),
                Map.entry("550 mailbox unavailable", Meaning.FAILED),
                Map.entry("421 4.7.0 closing connection", Meaning.THROTTLED),
                Map.entry("421 service not available", Meaning.THROTTLED),
                Map.entry("451 4.7.1 greylisted", Meaning.THROTTLED),
                Map.entry("454 4.7.0 sending rate exceeded", Meaning.THROTTLED),
                Map.entry("452 4.5.3 too many recipients", Meaning.THROTTLED),
                Map.entry("452 4.2.2 mailbox full", Meaning.DEFERRED),
                Map.entry("451 4.3.0 try again", Meaning.DEFERRED),
                Map.entry("450 mailbox busy", Meaning.DEFERRED),
                // The basic code decides the class; an enhanced code of another class is not believed.
                Map.entry("550 4.7.1 inconsistent", Meaning.FAILED),
                Map.entry("451 5.1.1 inconsistent", Meaning.DEFERRED));
        table.forEach((text, meaning) -> assertEquals(meaning, SmtpReply.parse(text).meaning(), text));
    }
}
