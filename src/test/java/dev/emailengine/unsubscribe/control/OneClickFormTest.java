package dev.emailengine.unsubscribe.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bodies a one-click POST may carry (RFC 8058 3.2), and the ones that do not ask. */
class OneClickFormTest {

    private static boolean asks(String type, String body) {
        return OneClickForm.asksToUnsubscribe(type, body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "application/x-www-form-urlencoded|List-Unsubscribe=One-Click",
        "application/x-www-form-urlencoded; charset=UTF-8|List-Unsubscribe=One-Click",
        "application/x-www-form-urlencoded|List-Unsubscribe=One-Click&utm=x",
        "application/x-www-form-urlencoded|List-Unsubscribe%3DOne-Click=",
        "application/x-www-form-urlencoded|list-unsubscribe=one-click",
        "application/x-www-form-urlencoded|List-Unsubscribe=One%2DClick",
        "NULL|List-Unsubscribe=One-Click",
        "text/plain|List-Unsubscribe=One-Click",
        "application/x-www-form-urlencoded|''",
        "NULL|''"})
    void theOneClickFormOrNoBodyAsks(String type, String body) {
        if (body.startsWith("List-Unsubscribe%3D")) {
            assertFalse(asks(type, body), "an encoded '=' is part of the name");
            return;
        }
        assertTrue(asks(type, body), body);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/x-www-form-urlencoded|List-Unsubscribe=Later",
        "application/x-www-form-urlencoded|other=field",
        "application/x-www-form-urlencoded|List-Unsubscribe=One-Click&List-Unsubscribe=No",
        "application/x-www-form-urlencoded|List-Unsubscribe=%zz",
        "application/json|{\"List-Unsubscribe\": \"One-Click\"}"})
    void anythingElseDoesNot(String type, String body) {
        assertFalse(asks(type, body), body);
    }

    @Test
    void multipartFormDataWithTheFieldAsks() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n";
        assertTrue(asks("multipart/form-data; boundary=XyZ", body));
        assertTrue(asks("multipart/form-data; boundary=\"XyZ\"", body));
        String other = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nNo\r\n--XyZ--\r\n";
        assertFalse(asks("multipart/form-data; boundary=XyZ", other));
        assertFalse(asks("multipart/form-data", body), "no boundary");
        String none = "--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nOne-Click\r\n--XyZ--\r\n";
        assertFalse(asks("multipart/form-data; boundary=XyZ", none));
    }

    @Test
    void headerParametersAreReadQuotedOrNot() {
        assertEquals("abc", OneClickForm.parameter("multipart/form-data; boundary=abc", "boundary"));
        assertEquals("List-Unsubscribe", OneClickForm.parameter("form-data; NAME=\"List-Unsubscribe\"", "name"));
        assertEquals(null, OneClickForm.parameter("form-data", "name"));
    }
}
