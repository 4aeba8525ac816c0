package io.livechannel.api;

import io.livechannel.api.auth.AuthResult;
import io.livechannel.api.auth.Authenticator;
import io.livechannel.api.error.ErrorResponses;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.api.route.CorsRules;
import io.livechannel.api.route.ObjectKeys;
import io.livechannel.api.route.Operation;
import io.livechannel.api.route.OperationSelector;
import io.livechannel.api.route.Route;
import io.livechannel.api.route.Routes;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.cache.NotInMemoryException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CatalogUnavailableException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one parsed request: select the operation, authenticate, look up the bucket, authorize by ACL,
 * check Content-MD5, run the route, add CORS headers. Every failure becomes an OSS error response here;
 * deterministic failures are never 5xx (the Java SDK retries those).
 *
 * <p>Threading: {@link #handle} blocks (catalog, store) and runs on the storage executor only. An instance built
 * over {@linkplain ApiConfig#onMemoryOnlyStores() memory-only stores} never blocks, and its
 * {@link #handleInMemory} runs on the event loop. Thread-safe.
 */
final class ApiService {
    private static final Logger log = LoggerFactory.getLogger(ApiService.class);
    static final String STORAGE_FULL_MESSAGE = "The server's storage is full (no space left on device); nothing was "
            + "stored. The operator must free space.";

    private final ApiConfig config;
    private final Authenticator authenticator;
    private final Map<Operation, Route> routes;
    private final FailureLogThrottle failureLog;
    private final LongAdder storageFull = new LongAdder();

    ApiService(ApiConfig config) {
        this.config = config;
        this.failureLog = new FailureLogThrottle(config.clock());
        this.authenticator = new Authenticator(config.metadata().accessKeys(), config.clock());
        this.routes = Routes.create(config);
    }

    /** Never throws; the result's stream (if any) is owned by the caller. */
    ApiResponse handle(OssRequest request) {
        return answer(request);
    }

    /**
     * For an instance over memory-only stores: the answer to an object GET or HEAD (or an hls/sign playlist GET,
     * whose rewrite of a live playlist is a few HMACs) when everything it needs is in
     * memory, else {@code null} (the caller then runs {@link #handle} of the ordinary instance on the storage
     * executor, which answers exactly as this would have). Never blocks; the result's stream reads memory.
     */
    ApiResponse handleInMemory(OssRequest request) {
        try {
            Operation op = OperationSelector.select(request);
            if (op != Operation.GET_OBJECT && op != Operation.HEAD_OBJECT && op != Operation.GET_SIGNED_PLAYLIST) {
                return null;
            }
            // Segments are never cached: give up before verifying a signature the executor would verify again.
            config.objects().head(request.bucket(), request.key());
            return answer(request);
        } catch (OssException | StorageException | NotInMemoryException e) {
            return null;
        }
    }

    private ApiResponse answer(OssRequest request) {
        try {
            ApiResponse response = execute(request);
            log.debug("{} {} -> {}", request.requestId(), request, response.status().code());
            return response;
        } catch (OssException e) {
            log.debug("{} {} -> {} {}", request.requestId(), request, e.code().code(), e.getMessage());
            return error(request, e);
        } catch (StorageException e) {
            return error(request, storageError(request, e));
        } catch (NotInMemoryException e) {
            throw e; // only from memory-only stores: handleInMemory falls back to the storage executor
        } catch (CatalogUnavailableException e) { // the catalog's database is down: the SDKs back off and retry
            return error(request, catalogUnavailable(request, e));
        } catch (RuntimeException e) { // any other CatalogException included: a 500 the SDKs retry
            return error(request, internalError(request, e));
        }
    }

    private ApiResponse execute(OssRequest request) throws OssException, StorageException {
        Operation op = OperationSelector.select(request);
        ObjectKeys.checkCharacters(op, request.key());
        AuthResult auth = authenticator.authenticate(request);
        Bucket bucket = null;
        if (op.needsBucket()) {
            bucket = config.metadata().buckets().find(request.bucket())
                    .orElseThrow(() -> noSuchBucket(request.bucket()));
        }
        authorize(op, auth, bucket);
        ApiResponse response;
        try {
            checkContentMd5(request);
            response = routes.get(op).handle(request, bucket);
        } catch (OssException e) {
            log.debug("{} {} -> {} {}", request.requestId(), request, e.code().code(), e.getMessage());
            response = error(request, e);
        } catch (StorageException e) {
            response = error(request, storageError(request, e));
        }
        if (bucket != null && op != Operation.CORS_PREFLIGHT) {
            // also on errors, so that a browser player on another origin can read a 404 or 403
            CorsRules.addResponseHeaders(bucket, request, response);
        }
        return response;
    }

    static OssException noSuchBucket(String bucket) {
        return new OssException(OssErrorCode.NO_SUCH_BUCKET, "The specified bucket does not exist.",
                OssException.ErrorDetails.of("BucketName", bucket));
    }

    private static void authorize(Operation op, AuthResult auth, Bucket bucket) throws OssException {
        if (auth instanceof AuthResult.Signed) {
            return;
        }
        BucketAcl acl = bucket == null ? BucketAcl.PRIVATE : bucket.acl();
        boolean allowed = switch (op.permission()) {
            case ANYONE -> true;
            case READ -> acl != BucketAcl.PRIVATE;
            case WRITE -> acl == BucketAcl.PUBLIC_READ_WRITE;
            case OWNER -> false;
        };
        if (!allowed) {
            throw new OssException(OssErrorCode.ACCESS_DENIED, bucket == null || op.permission() == Operation.Permission.OWNER
                    ? "Anonymous access is forbidden for this operation."
                    : "You have no right to access this object because of bucket acl.");
        }
    }

    private static void checkContentMd5(OssRequest request) throws OssException {
        String md5 = request.headers().get("Content-MD5");
        if (md5 == null) {
            return;
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(md5.trim());
        } catch (IllegalArgumentException e) {
            throw new OssException(OssErrorCode.INVALID_DIGEST, "The Content-MD5 you specified is not valid.");
        }
        try {
            byte[] actual = MessageDigest.getInstance("MD5").digest(request.body());
            if (!MessageDigest.isEqual(expected, actual)) {
                throw new OssException(OssErrorCode.INVALID_DIGEST,
                        "The Content-MD5 you specified did not match what we received.");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }

    private OssException storageError(OssRequest request, StorageException e) {
        return switch (e.kind()) {
            case NO_SUCH_BUCKET -> noSuchBucket(request.bucket());
            case NO_SUCH_KEY -> new OssException(OssErrorCode.NO_SUCH_KEY, "The specified key does not exist.",
                    OssException.ErrorDetails.of("Key", request.key()));
            case BUCKET_NOT_EMPTY -> new OssException(OssErrorCode.BUCKET_NOT_EMPTY,
                    "The bucket you tried to delete is not empty.");
            case INVALID_KEY -> new OssException(OssErrorCode.INVALID_OBJECT_NAME, "The object name is not valid.");
            case INVALID_BUCKET_NAME -> new OssException(OssErrorCode.INVALID_BUCKET_NAME,
                    "The specified bucket is not valid.");
            case INVALID_RANGE -> new OssException(OssErrorCode.INVALID_RANGE, "The requested range is not satisfiable.");
            // A full write queue is transient: 503 makes the SDKs back off and retry, which is what we want.
            case BACKLOG_FULL -> new OssException(OssErrorCode.SERVICE_UNAVAILABLE, "Please reduce your request rate.");
            case CONFLICT -> new OssException(OssErrorCode.INVALID_REQUEST,
                    "The object was changed concurrently; retry.");
            case IO, FENCED -> internalError(request, e); // FENCED: the live write path's alone, never the API's
        };
    }

    /**
     * The 500 for a failure that is not the client's: logged (throttled), and when the storage is full, said so in
     * the message and counted ({@link #storageFullFailures()}), because the operator must act and retries won't help.
     */
    private OssException catalogUnavailable(OssRequest request, CatalogUnavailableException e) {
        long heldBack = failureLog.admit();
        if (heldBack >= 0) {
            log.warn("{} {} answered 503: the catalog is unavailable: {} ({} similar failures not logged in the "
                    + "last {})", request.requestId(), request, e.getMessage(), heldBack, FailureLogThrottle.INTERVAL);
        }
        return new OssException(OssErrorCode.SERVICE_UNAVAILABLE, "The service is unavailable. Please try again.");
    }

    private OssException internalError(OssRequest request, Exception e) {
        boolean full = isStorageFull(e);
        if (full) {
            storageFull.increment();
        }
        long heldBack = failureLog.admit();
        if (heldBack >= 0) {
            log.error("{} {} failed{} ({} similar failures not logged in the last {})", request.requestId(), request,
                    full ? ": the storage is full" : "", heldBack, FailureLogThrottle.INTERVAL, e);
        }
        return new OssException(OssErrorCode.INTERNAL_ERROR, full ? STORAGE_FULL_MESSAGE
                : "We encountered an internal error. Please try again.");
    }

    /**
     * Whether {@code e} comes from a full file system or database: the JDK reports ENOSPC and EDQUOT only by their
     * message, SQLite by its result code name.
     */
    static boolean isStorageFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded") || message.contains("SQLITE_FULL"))) {
                return true;
            }
        }
        return false;
    }

    /** Requests answered {@link #STORAGE_FULL_MESSAGE} since start. */
    long storageFullFailures() {
        return storageFull.sum();
    }

    /** The error document for {@code e}, as an API response (the handler strips the body of HEAD answers). */
    ApiResponse error(OssRequest request, OssException e) {
        return errorResponse(e, request.requestId(), hostId(request));
    }

    static ApiResponse errorResponse(OssException e, String requestId, String hostId) {
        byte[] body = ErrorResponses.render(e, requestId, hostId);
        return ApiResponse.bytes(HttpResponseStatus.valueOf(e.code().httpStatus()), "application/xml", body);
    }

    private String hostId(OssRequest request) {
        String host = request.target().hostName();
        return host.isEmpty() ? config.domains().get(0) : host;
    }
}
