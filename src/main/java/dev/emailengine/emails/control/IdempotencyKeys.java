package dev.emailengine.emails.control;

import dev.emailengine.platform.Digests;
import dev.emailengine.platform.JsonConfiguration;
import dev.emailengine.problems.control.InvalidInputException;
import dev.emailengine.problems.entity.FieldError;
import dev.emailengine.queue.control.IdempotencyKeyTakenException;
import dev.emailengine.queue.control.MailQueue;
import dev.emailengine.queue.entity.IdempotencyRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code Idempotency-Key}: a repeat with the same request body within {@code IDEMPOTENCY_TTL}
 * gets the first answer again and queues nothing; the same key with another body is a 422, and a
 * repeat that arrives while the first is still running gets a 409. Keys belong to the caller: the
 * key is hashed together with the caller's API key, so another caller using the same key string
 * neither sees the first caller's answer nor learns that the key was used.
 * <p>
 * The record is stored by the queue in the same durable write as the emails (see
 * {@link MailQueue#enqueueAll}), so a crash can leave neither without the other.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final System.Logger LOG = System.getLogger(IdempotencyKeys.class.getName());
    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 255;

    @Inject
    MailQueue queue;

    private final Jsonb jsonb = JsonConfiguration.snakeCase();
    private final Set<String> inFlight = new HashSet<>();

    /**
     * Runs {@code action} once per key: its result is serialised as the answer. A repeat is
     * answered by {@code replay} from the stored record. Without a key the action simply runs,
     * with a null claim.
     *
     * @param caller who is asking (a digest of their API key; empty when keys are not in use)
     * @param scope the endpoint, so one key cannot replay another endpoint's answer
     */
    public String answer(String key, String caller, String scope, byte[] body,
            Function<IdempotencyRecord.Claim, Object> action, Function<IdempotencyRecord, Object> replay) {
        if (key == null) {
            return jsonb.toJson(action.apply(null));
        }
        checkKey(key);
        String keyHash = sha256(caller, key.getBytes(StandardCharsets.UTF_8));
        String requestHash = sha256(scope, body);
        synchronized (inFlight) {
            if (!inFlight.add(keyHash)) {
                throw inProgress();
            }
        }
        try {
            Optional<IdempotencyRecord> earlier = queue.idempotencyRecord(keyHash, requestHash);
            if (earlier.isPresent()) {
                if (earlier.get().requestHash().equals(requestHash)) {
                    LOG.log(Level.INFO, "repeat of an idempotent request answered from its first response ({0})",
                            earlier.get().ids().get(0));
                    return jsonb.toJson(replay.apply(earlier.get()));
                }
                throw new InvalidInputException(422, "Idempotency-Key reused", List.of(new FieldError(HEADER,
                        "was used for a different request within IDEMPOTENCY_TTL (" + queue.idempotencyTtl() + ")")));
            }
            try {
                return jsonb.toJson(action.apply(new IdempotencyRecord.Claim(keyHash, requestHash)));
            } catch (IdempotencyKeyTakenException e) {
                // Another instance stored the same key a moment ago: a repeat will get its answer.
                throw inProgress();
            }
        } finally {
            synchronized (inFlight) {
                inFlight.remove(keyHash);
            }
        }
    }

    private static InvalidInputException inProgress() {
        return new InvalidInputException(409, "Request in progress",
                List.of(new FieldError(HEADER, "a request with this key is still being processed")));
    }

    /** Printable ASCII without spaces, as the IETF draft and every major API expect. */
    private static void checkKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !Digests.isVisibleAscii(key)) {
            throw InvalidInputException.badRequest(HEADER,
                    "must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters without spaces");
        }
    }

    /** SHA-256 of {@code prefix}, a line break, then {@code bytes}, in hex. */
    private static String sha256(String prefix, byte[] bytes) {
        return Digests.sha256Hex((prefix + "\n").getBytes(StandardCharsets.UTF_8), bytes);
    }
}
