package io.seemore.web;

import io.seemore.generation.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Fields of the OpenAI- and Ollama-style JSON requests: absent or null means the default; a value
 * of the wrong kind is a 400 naming the field, never a library's error.
 */
final class JsonFields {

    private JsonFields() {}

    /** The request body, which must be a JSON object. */
    static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "the body must be a JSON object");
        }
        return body;
    }

    static Integer integer(JsonNode body, String field) {
        return field(body, field, null, v -> v.isIntegralNumber() && v.canConvertToInt(),
                "an integer of at most " + Integer.MAX_VALUE, JsonNode::asInt);
    }

    static Float decimal(JsonNode body, String field) {
        return field(body, field, null, JsonNode::isNumber, "a number", JsonNode::floatValue);
    }

    static Long seed(JsonNode body) {
        return field(body, "seed", null, v -> v.isIntegralNumber() && v.canConvertToLong(), "a 64-bit integer",
                JsonNode::asLong);
    }

    static String text(JsonNode body, String field, String fallback) {
        return field(body, field, fallback, JsonNode::isString, "a string", JsonNode::asString);
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        return field(body, field, fallback, JsonNode::isBoolean, "true or false", JsonNode::asBoolean);
    }

    /** A stop string or an array of them; absent or null means none. */
    static List<String> stops(JsonNode stop) {
        List<String> stops = new ArrayList<>();
        if (stop.isString()) {
            stops.add(stop.asString());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isString()) {
                    throw new InvalidRequestException("stop", "stop must be a string or an array of strings");
                }
                stops.add(s.asString());
            }
        } else if (!stop.isMissingNode() && !stop.isNull()) {
            throw new InvalidRequestException("stop", "stop must be a string or an array of strings");
        }
        return stops;
    }

    private static <T> T field(JsonNode body, String field, T fallback, Predicate<JsonNode> kind, String expected,
            Function<JsonNode, T> read) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!kind.test(value)) {
            throw new InvalidRequestException(field, field + " must be " + expected);
        }
        return read.apply(value);
    }
}
