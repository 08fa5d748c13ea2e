package io.seemore.web;

import io.seemore.generation.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Optional fields of the OpenAI- and Ollama-style JSON requests: absent or null means the default. */
final class JsonFields {

    private JsonFields() {}

    static Integer integer(JsonNode body, String field) {
        JsonNode value = number(body, field, v -> v.isIntegralNumber() && v.canConvertToInt(),
                "an integer of at most " + Integer.MAX_VALUE);
        return value == null ? null : value.asInt();
    }

    static Float decimal(JsonNode body, String field) {
        JsonNode value = number(body, field, JsonNode::isNumber, "a number");
        return value == null ? null : value.floatValue();
    }

    static Long seed(JsonNode body) {
        JsonNode value = number(body, "seed", v -> v.isIntegralNumber() && v.canConvertToLong(), "a 64-bit integer");
        return value == null ? null : value.asLong();
    }

    /** The request body, which must be a JSON object. */
    static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "the body must be a JSON object");
        }
        return body;
    }

    /** A string field; absent or null gives {@code fallback}, another kind of value is a 400. */
    static String text(JsonNode body, String field, String fallback) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isString()) {
            throw new InvalidRequestException(field, field + " must be a string");
        }
        return value.asString();
    }

    /** A boolean field; absent or null gives {@code fallback}, another kind of value is a 400. */
    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException(field, field + " must be true or false");
        }
        return value.asBoolean();
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

    /** The field's value, or null when absent; a value of the wrong kind is a 400 naming the field. */
    private static JsonNode number(JsonNode body, String field, Predicate<JsonNode> kind, String expected) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!kind.test(value)) {
            throw new InvalidRequestException(field, field + " must be " + expected);
        }
        return value;
    }
}
