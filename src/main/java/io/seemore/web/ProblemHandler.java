package io.seemore.web;

import io.seemore.config.SeemoreProperties;
import io.seemore.datasets.DatasetFormatException;
import io.seemore.datasets.DatasetQuotaExceededException;
import io.seemore.datasets.DatasetInUseException;
import io.seemore.datasets.UnknownDatasetException;
import io.seemore.generation.GenerationScheduler;
import io.seemore.generation.InvalidRequestException;
import io.seemore.training.TrainingExceptions;
import io.seemore.generation.UnknownPromptCharactersException;
import io.seemore.registry.ModelUnavailableException;
import io.seemore.registry.UnknownModelException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns failures into RFC 9457 problem details with a stable {@code type} per kind of error and
 * the offending field. Spring MVC's own request errors (missing part, wrong type, upload too
 * large) come out as problem details through the base class. Nothing leaks a stack trace.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    static final String TYPE_PREFIX = "urn:seemore:problem:";

    private final long maxUploadBytes;

    public ProblemHandler(SeemoreProperties properties) {
        this.maxUploadBytes = properties.limits().maxUploadSize().toBytes();
    }

    /** Gives Spring MVC's own request errors a stable type and, where there is one, the field. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body == null && e instanceof ErrorResponse response) {
            body = response.getBody();
        }
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || URI.create("about:blank").equals(problem.getType()))) {
            String field = null;
            String type = "http-" + status.value();
            if (e instanceof MissingServletRequestPartException missing) {
                type = "missing-field";
                field = missing.getRequestPartName();
            } else if (e instanceof MissingServletRequestParameterException missing) {
                type = "missing-field";
                field = missing.getParameterName();
            } else if (e instanceof MethodArgumentTypeMismatchException mismatch) {
                type = "invalid-field";
                field = mismatch.getName();
            } else if (e instanceof MaxUploadSizeExceededException) {
                type = "upload-too-large";
                problem.setDetail("the upload is larger than the " + maxUploadBytes + " bytes accepted");
            } else if (bodyTooLarge(e)) {
                type = "upload-too-large";
                status = HttpStatus.CONTENT_TOO_LARGE;
                problem.setStatus(status.value());
                problem.setTitle("Request too large");
                problem.setDetail(rootCause(e).getMessage());
            } else if (e instanceof HttpMessageNotReadableException) {
                type = "invalid-body";
                problem.setDetail("the body is not valid JSON, or a field has the wrong type");
            }
            problem.setType(URI.create(TYPE_PREFIX + type));
            if (field != null) {
                problem.setProperty("field", field);
            }
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    /** Whether reading the body stopped at its size limit. */
    static boolean bodyTooLarge(Throwable e) {
        return rootCause(e) instanceof RequestSizeFilter.BodyTooLargeException;
    }

    static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A multipart body that cannot be parsed (cut short, no boundary, ...). */
    @ExceptionHandler(MultipartException.class)
    ProblemDetail brokenMultipart(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-body", "Invalid multipart body",
                "the multipart/form-data body cannot be read (cut short, or a boundary is missing)");
    }

    @ExceptionHandler(DatasetQuotaExceededException.class)
    ProblemDetail quotaExceeded(DatasetQuotaExceededException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "dataset-quota-exceeded", "Dataset storage full",
                e.getMessage());
        problem.setProperty("field", "file");
        return problem;
    }

    @ExceptionHandler(TrainingExceptions.OverMemoryBudget.class)
    ProblemDetail overMemoryBudget(TrainingExceptions.OverMemoryBudget e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "over-memory-budget",
                "Job exceeds the training memory budget", e.getMessage());
        problem.setProperty("field", "batchSize");
        problem.setProperty("estimatedBytes", e.estimatedBytes());
        problem.setProperty("budgetBytes", e.budgetBytes());
        problem.setProperty("largestBatchSize", e.largestBatchSize());
        return problem;
    }

    @ExceptionHandler(UnknownPromptCharactersException.class)
    ProblemDetail unknownCharacters(UnknownPromptCharactersException e) {
        ProblemDetail problem = invalid(e, "unknown-characters", "Prompt has unknown characters");
        problem.setProperty("characters", e.characters());
        return problem;
    }

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalidRequest(InvalidRequestException e) {
        return invalid(e, e.field().equals("image") ? "invalid-image" : "invalid-field", "Invalid request field");
    }

    @ExceptionHandler(ModelUnavailableException.class)
    ResponseEntity<ProblemDetail> modelUnavailable(ModelUnavailableException e) {
        return unavailable("model-unavailable", "No model loaded", e, 30);
    }

    @ExceptionHandler(GenerationScheduler.QueueFullException.class)
    ResponseEntity<ProblemDetail> busy(GenerationScheduler.QueueFullException e) {
        return unavailable("busy", "Too many requests waiting", e, 5);
    }

    @ExceptionHandler(UnknownModelException.class)
    ProblemDetail unknownModel(UnknownModelException e) {
        return problem(HttpStatus.NOT_FOUND, "unknown-model", "Unknown model", e.getMessage());
    }

    @ExceptionHandler(DatasetFormatException.class)
    ProblemDetail invalidDataset(DatasetFormatException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-dataset", "Invalid dataset", e.getMessage());
        problem.setProperty("field", "file");
        problem.setProperty("errors", e.errors().stream().limit(20).toList());
        return problem;
    }

    @ExceptionHandler({UnknownDatasetException.class, TrainingExceptions.UnknownJob.class})
    ProblemDetail notFound(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
    }

    @ExceptionHandler({DatasetInUseException.class, TrainingExceptions.WrongState.class})
    ProblemDetail conflict(RuntimeException e) {
        return problem(HttpStatus.CONFLICT, "conflict", "Conflict", e.getMessage());
    }

    @ExceptionHandler(TrainingExceptions.QueueFull.class)
    ResponseEntity<ProblemDetail> queueFull(TrainingExceptions.QueueFull e) {
        return unavailable("queue-full", "Training queue full", e, 60);
    }

    @ExceptionHandler(TrainingExceptions.EvaluationRunning.class)
    ResponseEntity<ProblemDetail> evaluationRunning(TrainingExceptions.EvaluationRunning e) {
        return unavailable("busy", "An evaluation is running", e, 30);
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("request failed", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the service could not complete the request; it keeps serving");
    }

    /** 503 with a Retry-After: the service is fine, but cannot take this request now. */
    private static ResponseEntity<ProblemDetail> unavailable(String type, String title, Exception e, int retryAfterSeconds) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, type, title, e.getMessage()));
    }

    private static ProblemDetail invalid(InvalidRequestException e, String type, String title) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, type, title, e.getMessage());
        problem.setProperty("field", e.field());
        return problem;
    }

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_PREFIX + type));
        problem.setTitle(title);
        return problem;
    }
}
