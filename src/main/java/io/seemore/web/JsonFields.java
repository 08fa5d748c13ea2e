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
        JsonNode value = number(body, field, JsonNode::isIntegralNumber, "an integer");
        return value == null ? null : value.asInt();
    }

    static Float decimal(JsonNode body, String field) {
        JsonNode value = number(body, field, JsonNode::isNumber, "a number");
        return value == null ? null : value.floatValue();
    }

    static Long seed(JsonNode body) {
        return body.hasNonNull("seed") ? body.get("seed").asLong() : null;
    }

    /** A stop string or an array of them; anything else means none. */
    static List<String> stops(JsonNode stop) {
        List<String> stops = new ArrayList<>();
        if (stop.isString()) {
            stops.add(stop.asString());
        } else if (stop.isArray()) {
            stop.forEach(s -> stops.add(s.asString()));
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
