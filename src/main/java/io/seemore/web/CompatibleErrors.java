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
        if (e instanceof InvalidRequestException || e instanceof HttpMessageNotReadableException) {
            return HttpStatus.BAD_REQUEST;
        }
        log.error("request failed", e);
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    static String message(Exception e) {
        return e instanceof HttpMessageNotReadableException ? "the body is not valid JSON" : e.getMessage();
    }

    static <T> ResponseEntity<T> respond(Exception e, T body) {
        HttpStatus status = status(e);
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
            error.put("type", status == HttpStatus.BAD_REQUEST ? "invalid_request_error" : "server_error");
            error.put("param", e instanceof InvalidRequestException invalid ? invalid.field() : null);
            error.put("code", null);
            return respond(e, Map.of("error", error));
        }
    }

    /** Ollama's {"error": "..."}. */
    @RestControllerAdvice(assignableTypes = OllamaController.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class Ollama {
        @ExceptionHandler(Exception.class)
        ResponseEntity<Map<String, Object>> handle(Exception e) {
            return respond(e, Map.of("error", message(e)));
        }
    }
}
