package dev.emailengine.emails.control;

import dev.emailengine.emails.entity.AttachmentUpload;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.entity.Attachment;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks attachments before anything is queued: the content must decode, the type must be a
 * plain {@code type/subtype}, the total must fit the limit, and the filename is reduced to a
 * safe last path segment so no receiver is invited to write outside its download folder.
 */
public final class Attachments {

    static final String DEFAULT_TYPE = "application/octet-stream";
    static final int MAX_FILENAME_LENGTH = 150;

    private static final Pattern CONTENT_TYPE = Pattern.compile(
            "[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");
    private static final Pattern UNSAFE_IN_NAME = Pattern.compile("[^\\p{L}\\p{N} ._()+,@-]");
    private static final Pattern WHITESPACE = Pattern.compile("\\s");

    private Attachments() {
    }

    /** @throws InvalidInputException 413 when the decoded total exceeds {@code maxTotalBytes} */
    static List<Attachment> check(List<AttachmentUpload> attachments, long maxTotalBytes, List<FieldError> errors) {
        var result = new ArrayList<Attachment>();
        long total = 0;
        for (int i = 0; i < attachments.size(); i++) {
            AttachmentUpload a = attachments.get(i);
            String prefix = "attachments[" + i + "].";
            if (a.contentBase64() == null) {
                continue; // already refused with the request
            }
            String type = a.contentType() == null ? DEFAULT_TYPE : a.contentType().strip().toLowerCase(Locale.ROOT);
            if (!CONTENT_TYPE.matcher(type).matches() || type.startsWith("multipart/")) {
                errors.add(new FieldError(prefix + "content_type",
                        "must be a single media type such as application/pdf (no parameters, not multipart)"));
                continue;
            }
            String base64 = WHITESPACE.matcher(a.contentBase64()).replaceAll("");
            try {
                total += Base64.getDecoder().decode(base64).length;
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(prefix + "content_base64", "is not valid base64"));
                continue;
            }
            if (total > maxTotalBytes) {
                throw InvalidInputException.tooLarge("attachments",
                        "together are larger than " + maxTotalBytes + " bytes (MAX_ATTACHMENT_BYTES)");
            }
            result.add(new Attachment(safeFilename(a.filename()), type, base64));
        }
        return result;
    }

    /**
     * The last segment of whatever path was given, without control or shell-special characters,
     * leading dots or more than {@value #MAX_FILENAME_LENGTH} characters; "attachment" when
     * nothing is left.
     */
    public static String safeFilename(String given) {
        if (given == null) {
            return "attachment";
        }
        String name = given.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        name = UNSAFE_IN_NAME.matcher(name).replaceAll("_").strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        if (name.length() > MAX_FILENAME_LENGTH) {
            int dot = name.lastIndexOf('.');
            String extension = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
            name = name.substring(0, MAX_FILENAME_LENGTH - extension.length()) + extension;
        }
        return name.isBlank() || name.chars().allMatch(c -> c == '_') ? "attachment" : name;
    }
}
