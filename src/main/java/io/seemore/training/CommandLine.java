package io.seemore.training;

import java.util.HashMap;
import java.util.Map;

/** The {@code --name=value} options of the command-line tools. */
public record CommandLine(Map<String, String> options) {

    public static CommandLine parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException("options are --name=value, got '" + arg + "'");
            }
            options.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
        return new CommandLine(options);
    }

    public String text(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    public int integer(String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }

    public long number(String name, long fallback) {
        return options.containsKey(name) ? Long.parseLong(options.get(name)) : fallback;
    }

    public float decimal(String name, float fallback) {
        return options.containsKey(name) ? Float.parseFloat(options.get(name)) : fallback;
    }
}
