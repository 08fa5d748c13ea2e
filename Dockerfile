# The service's image. Build the jar on the host first, then the image:
#   ./mvnw -DskipTests package && docker build -t seemore .
# (Maven runs on the host, where its downloads work, not inside the build.)
# RUNTIME_IMAGE: any glibc image with a Java 17 runtime (libtorch does not load on musl/Alpine);
# CI builds one from Debian with debootstrap (see .ci/docker-images).
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy

# The jar split into layers: dependencies change less often than the application, so image
# layers are reused.
FROM ${RUNTIME_IMAGE} AS layers
WORKDIR /workspace
COPY target/seemore-*.jar app.jar
# (The marker file keeps an empty layer from being an empty COPY, which the classic builder fails on.)
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted \
    && touch extracted/snapshot-dependencies/.layer

FROM ${RUNTIME_IMAGE}
# curl for the health check (installed over plain http where the image lacks it); a non-root user.
RUN if ! command -v curl >/dev/null; then \
        apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --system --uid 10001 --home-dir /app seemore \
    && mkdir -p /data /opt/djl && chown seemore /data /opt/djl
WORKDIR /app
COPY --from=layers /workspace/extracted/dependencies/ ./
COPY --from=layers /workspace/extracted/spring-boot-loader/ ./
COPY --from=layers /workspace/extracted/snapshot-dependencies/ ./
COPY --from=layers /workspace/extracted/application/ ./
# No MALLOC_ARENA_MAX=2: with two malloc arenas every answer came out empty (README, "NaN answers").
# GLIBC_TUNABLES: malloc keeps freed memory for reuse, 2.2x the training speed (pom.xml, README
# "Training speed and malloc"). ONEDNN_MAX_CPU_ISA: no NaN answers (pom.xml, README "NaN answers").
ENV DJL_CACHE_DIR=/opt/djl \
    ONEDNN_MAX_CPU_ISA=AVX2 \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824 \
    SEEMORE_HOME=/data \
    JAVA_TOOL_OPTIONS="-Dai.djl.offline=true -Dai.djl.pytorch.graph_optimizer=false -Xmx2g -XX:G1PeriodicGCInterval=15000"
USER seemore
# libtorch is extracted into the image now, so that the container starts offline.
RUN java -cp "BOOT-INF/classes:BOOT-INF/lib/*" io.seemore.model.Engines
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
