# syntax=docker/dockerfile:1
# Build: the Maven wrapper builds the jar, which is split into layers (dependencies change less
# often than the application, so image layers are reused).
FROM eclipse-temurin:17-jdk-jammy AS build
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q -DskipTests package \
    && java -Djarmode=tools -jar target/seemore-*.jar extract --layers --launcher --destination extracted

# Run: a glibc-based JRE (libtorch does not load on musl/Alpine), as a non-root user.
FROM eclipse-temurin:17-jre-jammy
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app seemore \
    && mkdir -p /data /opt/djl && chown seemore /data /opt/djl
WORKDIR /app
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./
ENV DJL_CACHE_DIR=/opt/djl \
    SEEMORE_HOME=/data \
    MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-Dai.djl.offline=true -Dai.djl.pytorch.graph_optimizer=false -Xmx2g -XX:G1PeriodicGCInterval=15000"
USER seemore
# libtorch is extracted into the image now, so that the container starts offline.
RUN java -cp "BOOT-INF/classes:BOOT-INF/lib/*" io.seemore.model.Engines
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
