package dev.emailengine.webhooks.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TargetAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255",
        "172.16.0.1", "172.31.255.254", "192.168.1.1", "100.64.0.1", "100.127.255.255", "169.254.169.254",
        "169.254.0.1", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.8", "198.18.0.1",
        "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1", "fec0::1",
        "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:7f00:1", "::127.0.0.1",
        "64:ff9b::a9fe:a9fe", "2002:c0a8:0101::1", "0:0:0:0:0:ffff:192.168.0.1"})
    void refusesInternalAddresses(String literal) throws UnknownHostException {
        assertNotNull(TargetAddresses.refusal(InetAddress.getByName(literal)), literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255",
        "100.128.0.1", "169.253.255.255", "192.169.0.1", "11.0.0.1", "126.255.255.255", "223.255.255.255",
        "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1"})
    void allowsPublicAddresses(String literal) throws UnknownHostException {
        assertNull(TargetAddresses.refusal(InetAddress.getByName(literal)), literal);
    }

    @Test
    void aHostIsRefusedWhenAnyOfItsAddressesIs() {
        assertThrows(TargetAddresses.RefusedTargetException.class, () -> TargetAddresses.resolve("localhost", false));
        assertThrows(TargetAddresses.RefusedTargetException.class, () -> TargetAddresses.resolve("127.0.0.1", false));
    }

    @Test
    void allowedWhenPrivateTargetsAre() throws Exception {
        assertNotNull(TargetAddresses.resolve("127.0.0.1", true));
    }
}
