# tubedigest: one image for all four services (and the admin CLI).
#   docker compose up            (see compose.yaml)
# Build stage: compile with Debian bookworm's packages only.
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config ca-certificates \
      libpqxx-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev libspdlog-dev libcxxopts-dev doctest-dev \
      libespeak-ng-dev libmp3lame-dev libmpg123-dev libcld2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY libs libs
COPY services services
COPY schema schema
COPY tests tests
COPY bench bench
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release >/dev/null \
 && cmake --build /build -j"$(nproc)" --target tubedigest tubedigest-ingest tubedigest-summarize tubedigest-tts tubedigest-gateway

# Runtime stage: the shared libraries, voices, Apertium and yt-dlp.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl libpqxx-6.4 libcpp-httplib0.11 libspdlog1.10 libespeak-ng1 espeak-ng-data \
      libmp3lame0 libcld2-0 apertium apertium-eng-spa apertium-fr-es yt-dlp \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/tubedigest --create-home tubedigest
COPY --from=build /build/bin/tubedigest /build/bin/tubedigest-ingest /build/bin/tubedigest-summarize \
     /build/bin/tubedigest-tts /build/bin/tubedigest-gateway /usr/local/bin/
COPY prompts /usr/share/tubedigest/prompts
ENV PROMPTS_DIR=/usr/share/tubedigest/prompts \
    GATEWAY_LISTEN=0.0.0.0:6452
USER tubedigest
WORKDIR /var/lib/tubedigest
EXPOSE 6452
CMD ["tubedigest-gateway"]
