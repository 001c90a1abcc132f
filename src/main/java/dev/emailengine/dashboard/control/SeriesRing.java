package dev.emailengine.dashboard.control;

import dev.emailengine.dashboard.entity.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The last {@code capacity} samples, oldest first; a new one pushes the oldest out. */
final class SeriesRing {

    private final Sample[] samples;
    private int next;
    private int size;

    SeriesRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a ring holds at least one sample");
        }
        this.samples = new Sample[capacity];
    }

    synchronized void add(Sample sample) {
        samples[next] = sample;
        next = (next + 1) % samples.length;
        size = Math.min(size + 1, samples.length);
    }

    /** The samples taken after {@code since}, oldest first; all of them when {@code since} is null. */
    synchronized List<Sample> after(Instant since) {
        var found = new ArrayList<Sample>(size);
        int first = (next - size + samples.length) % samples.length;
        for (int i = 0; i < size; i++) {
            Sample sample = samples[(first + i) % samples.length];
            if (since == null || sample.at().isAfter(since)) {
                found.add(sample);
            }
        }
        return found;
    }

    int capacity() {
        return samples.length;
    }
}
