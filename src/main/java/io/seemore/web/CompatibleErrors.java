package io.seemore.web;

import io.seemore.generation.GenerationScheduler;
import io.seemore.generation.InvalidRequestException;
import io.seemore.registry.ModelUnavailableException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the OpenAI- and Ollama-style endpoints, in the shapes their clients expect. */
final class CompatibleErrors {

    private static final Logger log = LoggerFactory.getLogger(CompatibleErrors.class);

    private CompatibleErrors() {}

    static HttpStatus status(Exception e) {
        if (e instanceof ModelUnavailableException || e instanceof GenerationScheduler.QueueFullException) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        if (ProblemHandler.bodyTooLarge(e)) {
            return HttpStatus.CONTENT_TOO_LARGE;
        }
        if (e instanceof InvalidRequestException || e instanceof HttpMessageNotReadableException) {
            return HttpStatus.BAD_REQUEST;
        }
        if (e instanceof ErrorResponse response && response.getStatusCode().is4xxClientError()) {
            // Spring MVC's own request errors: wrong method, media type, ...
            return HttpStatus.valueOf(response.getStatusCode().value());
        }
        log.error("request failed", e);
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    /** What the client is told: our own messages, never a library's. */
    static String message(Exception e) {
        if (ProblemHandler.bodyTooLarge(e)) {
            return ProblemHandler.rootCause(e).getMessage();
        }
        if (e instanceof HttpMessageNotReadableException) {
            return "the body is not valid JSON";
        }
        if (e instanceof InvalidRequestException || e instanceof ModelUnavailableException
                || e instanceof GenerationScheduler.QueueFullException) {
            return e.getMessage();
        }
        if (e instanceof ErrorResponse response && response.getBody().getDetail() != null) {
            return response.getBody().getDetail();
        }
        return "the service could not complete the request; it keeps serving";
    }

    static <T> ResponseEntity<T> respond(HttpStatus status, T body) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            builder.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return builder.body(body);
    }

    /** OpenAI's {"error": {"message", "type", "param", "code"}}. */
    @RestControllerAdvice(assignableTypes = OpenAiController.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class OpenAi {
        @ExceptionHandler(Exception.class)
        ResponseEntity<Map<String, Object>> handle(Exception e) {
            HttpStatus status = status(e);
            Map<String, Object> error = new HashMap<>();
            error.put("message", message(e));
            error.put("type", status.is4xxClientError() ? "invalid_request_error" : "server_error");
            error.put("param", e instanceof InvalidRequestException invalid ? invalid.field() : null);
            error.put("code", null);
            return respond(status, Map.of("error", error));
        }
    }

    /** Ollama's {"error": "..."}. */
    @RestControllerAdvice(assignableTypes = OllamaController.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class Ollama {
        @ExceptionHandler(Exception.class)
        ResponseEntity<Map<String, Object>> handle(Exception e) {
            return respond(status(e), Map.of("error", message(e)));
        }
    }
}
