package io.seemore.observability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The PromQL expressions of the Grafana dashboard in {@code config/}, with its variables filled in. */
final class Dashboard {

    static final Path FILE = Path.of("config/grafana/dashboards/seemore.json");

    private Dashboard() {}

    /** Every panel target's expression, {@code $job} standing for every job. */
    static List<String> expressions() {
        JsonNode dashboard = JsonMapper.builder().build().readTree(FILE.toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.get("expr").asString().replace("$job", ".*"));
            }
        }
        return expressions;
    }
}
