package dev.emailengine.dashboard.control;

import dev.emailengine.queue.entity.EmailEvent.Answered.Answer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per recipient domain, how the SMTP server answered, since the instance started. Bounded: past
 * {@code maxDomains} different domains the rest are counted together under {@link #OTHER}, so a
 * bulk to a million domains cannot grow it without end.
 */
final class DomainCounts {

    static final String OTHER = "(other)";

    /** One domain's counts by answer. */
    record Row(String domain, Map<Answer, Long> counts) {
        long get(Answer answer) {
            return counts.getOrDefault(answer, 0L);
        }

        long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final int maxDomains;
    private final Map<String, LongAdder[]> byDomain = new ConcurrentHashMap<>();

    DomainCounts(int maxDomains) {
        this.maxDomains = maxDomains;
    }

    void count(Map<String, Answer> answers) {
        answers.forEach((recipient, answer) -> adders(domainOf(recipient))[answer.ordinal()].increment());
    }

    private LongAdder[] adders(String domain) {
        LongAdder[] found = byDomain.get(domain);
        if (found != null) {
            return found;
        }
        // Checked without a lock: a race can let a few more in than the bound, never many.
        String key = byDomain.size() < maxDomains ? domain : OTHER;
        return byDomain.computeIfAbsent(key, k -> {
            var adders = new LongAdder[Answer.values().length];
            for (int i = 0; i < adders.length; i++) {
                adders[i] = new LongAdder();
            }
            return adders;
        });
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? address : address.substring(at + 1);
        if (domain.endsWith(">")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return domain.toLowerCase(Locale.ROOT);
    }

    /** The {@code limit} domains with the most answers, most first. */
    List<Row> top(int limit) {
        var rows = new ArrayList<Row>();
        byDomain.forEach((domain, adders) -> {
            var counts = new EnumMap<Answer, Long>(Answer.class);
            for (Answer answer : Answer.values()) {
                long n = adders[answer.ordinal()].sum();
                if (n > 0) {
                    counts.put(answer, n);
                }
            }
            rows.add(new Row(domain, counts));
        });
        rows.sort(Comparator.comparingLong(Row::total).reversed().thenComparing(Row::domain));
        return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
    }
}
