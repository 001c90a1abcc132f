package dev.emailengine.templates.control;

import java.io.Writer;
import java.nio.CharBuffer;

/**
 * Collects rendered text and stops the rendering as soon as it passes a size in UTF-8 bytes: a
 * small template repeating a large value would otherwise expand to far more than any email may
 * hold before a size check after rendering could refuse it.
 */
final class BoundedWriter extends Writer {

    /** Thrown through jmustache, which lets unchecked exceptions from its writer pass unwrapped. */
    static final class LimitExceeded extends RuntimeException {
        LimitExceeded() {
            super(null, null, false, false);
        }
    }

    private final long maxBytes;
    private final StringBuilder text = new StringBuilder();
    private long bytes;

    BoundedWriter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        count(CharBuffer.wrap(chars, offset, length));
        text.append(chars, offset, length);
    }

    @Override
    public void write(String s, int offset, int length) {
        count(s.subSequence(offset, offset + length));
        text.append(s, offset, offset + length);
    }

    @Override
    public Writer append(CharSequence s) {
        CharSequence chars = s == null ? "null" : s;
        count(chars);
        text.append(chars);
        return this;
    }

    @Override
    public Writer append(CharSequence s, int start, int end) {
        return append((s == null ? "null" : s).subSequence(start, end));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /** Counts before appending, so what is held never passes the limit either. */
    private void count(CharSequence chars) {
        long added = 0;
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            // A surrogate pair is 4 bytes in UTF-8: 2 for each half.
            added += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        if (bytes + added > maxBytes) {
            throw new LimitExceeded();
        }
        bytes += added;
    }
}
