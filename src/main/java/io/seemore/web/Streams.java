package io.seemore.web;

import io.seemore.generation.GenerationService;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Streaming responses: a client that goes away frees its place in the batch. */
final class Streams {

    private Streams() {}

    /** Cancels the request when the stream ends early (client gone, timeout, write error). */
    static void bind(ResponseBodyEmitter emitter, GenerationService.Handle handle) {
        emitter.onError(error -> handle.sequence().cancel());
        emitter.onTimeout(() -> handle.sequence().cancel());
        emitter.onCompletion(() -> handle.sequence().cancel());
    }

    /** Sends one named server-sent event of JSON; a failed write cancels through {@link #bind}. */
    static void send(SseEmitter emitter, String name, Object data) {
        try {
            SseEmitter.SseEventBuilder event = SseEmitter.event();
            if (name != null) {
                event.name(name);
            }
            emitter.send(event.data(data, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        }
    }
}
