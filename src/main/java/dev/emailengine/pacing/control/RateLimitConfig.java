package dev.emailengine.pacing.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The limits as configured: {@code RATE_LIMIT} for the SMTP server ({@code 14/s,50000/d}) and
 * {@code DOMAIN_RATE_LIMITS} per recipient domain ({@code gmail.com=20/s;*=5/s}, where {@code *}
 * gives every other domain a limit of its own). A value that cannot be read stops the start with
 * a message naming the setting, as a limit silently ignored would get the sender blocked.
 *
 * @param server the SMTP server's windows; empty: no limit
 * @param domains each named domain's windows (lower case, an internationalised domain in ASCII)
 * @param otherDomains the windows of every domain not named; empty: none
 */
public record RateLimitConfig(List<RateWindow> server, Map<String, List<RateWindow>> domains,
        List<RateWindow> otherDomains) {

    public static final String RATE_LIMIT = "RATE_LIMIT";
    public static final String DOMAIN_RATE_LIMITS = "DOMAIN_RATE_LIMITS";
    public static final RateLimitConfig NONE = new RateLimitConfig(List.of(), Map.of(), List.of());
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    public RateLimitConfig {
        server = List.copyOf(server);
        domains = Map.copyOf(domains);
        otherDomains = List.copyOf(otherDomains);
    }

    public static RateLimitConfig parse(String rateLimit, String domainRateLimits) {
        List<RateWindow> server = windows(RATE_LIMIT, rateLimit);
        var domains = new LinkedHashMap<String, List<RateWindow>>();
        List<RateWindow> others = List.of();
        String text = domainRateLimits == null ? "" : domainRateLimits.strip();
        if (!text.isEmpty()) {
            for (String entry : text.split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException(DOMAIN_RATE_LIMITS + ": '" + entry.strip()
                            + "' has no '=': write domain=rate, for example gmail.com=20/s;*=5/s");
                }
                String domain = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                if (!domain.equals("*") && !domain.isEmpty() && domain.indexOf('@') < 0) {
                    // Spelt as recipients' domains are (Pacer.domainOf): an IDN is named either way.
                    domain = Pacer.domainOf("postmaster@" + domain);
                }
                List<RateWindow> limit = windows(DOMAIN_RATE_LIMITS + " for " + domain, entry.substring(eq + 1));
                if (limit.isEmpty()) {
                    throw new IllegalArgumentException(DOMAIN_RATE_LIMITS + ": " + domain + " has no rate");
                }
                if (domain.equals("*")) {
                    if (!others.isEmpty()) {
                        throw new IllegalArgumentException(DOMAIN_RATE_LIMITS + ": '*' is given twice");
                    }
                    others = limit;
                } else if (!DOMAIN.matcher(domain).matches()) {
                    throw new IllegalArgumentException(DOMAIN_RATE_LIMITS + ": '" + domain
                            + "' is not a domain name (or '*' for every other domain)");
                } else if (domains.put(domain, limit) != null) {
                    throw new IllegalArgumentException(DOMAIN_RATE_LIMITS + ": " + domain + " is given twice");
                }
            }
        }
        return new RateLimitConfig(server, domains, others);
    }

    /** Comma-separated windows, shortest first; at most one per window length. */
    private static List<RateWindow> windows(String setting, String text) {
        var windows = new ArrayList<RateWindow>();
        if (text == null || text.isBlank()) {
            return windows;
        }
        for (String part : text.split(",")) {
            RateWindow window = RateWindow.parse(setting, part);
            if (windows.stream().anyMatch(w -> w.length().equals(window.length()))) {
                throw new IllegalArgumentException(setting + ": two rates per " + window.toString().substring(
                        window.toString().indexOf('/') + 1) + " in '" + text.strip() + "'");
            }
            windows.add(window);
        }
        windows.sort(Comparator.comparing(RateWindow::length));
        return windows;
    }

    /** The windows that apply to a recipient domain (as {@link Pacer#domainOf} spells it); empty when it has none. */
    public List<RateWindow> forDomain(String domain) {
        return domains.getOrDefault(domain, otherDomains);
    }

    public boolean none() {
        return server.isEmpty() && domains.isEmpty() && otherDomains.isEmpty();
    }

    public static String describe(List<RateWindow> windows) {
        return String.join(",", windows.stream().map(RateWindow::toString).toList());
    }
}
