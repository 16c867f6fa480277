# tubedigest: one image for all four services (and the admin CLI).
#   docker compose up -d            (see compose.yaml)
#
# Build stage: compile with Debian bookworm's packages only. BUILD_JOBS
# limits parallel compiles; unset, scripts/build-jobs.sh allows one per core
# but no more than memory allows (~700 MB each), so a 2 GB NAS builds
# without running out of memory (README: "Building the image").
FROM debian:bookworm AS build
ARG BUILD_JOBS=
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
COPY scripts/build-jobs.sh scripts/build-jobs.sh
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release >/dev/null \
 && jobs=$(BUILD_JOBS="$BUILD_JOBS" scripts/build-jobs.sh) && echo "building with $jobs parallel jobs" \
 && cmake --build /build -j"$jobs" --target tubedigest tubedigest-ingest tubedigest-summarize tubedigest-tts tubedigest-gateway

# Runtime stage: the shared libraries, voices, Apertium, and a current
# yt-dlp. Debian's packaged yt-dlp is too old for YouTube, so the image
# carries the newest release from PyPI in /opt/yt-dlp (the one download of
# the build), and ingest keeps a newer one in the ytdlp volume
# (tubedigest-ytdlp-update; YTDLP_AUTO_UPDATE=off turns that off).
FROM debian:bookworm-slim
# Where the build takes yt-dlp from (unset: PyPI); a local index makes the
# build work offline (tests/container).
ARG YTDLP_PIP_INDEX_URL=
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl libpqxx-6.4 libcpp-httplib0.11 libspdlog1.10 libespeak-ng1 espeak-ng-data \
      libmp3lame0 libcld2-0 apertium apertium-eng-spa apertium-fr-es hunspell-en-us hunspell-fr hunspell-es \
      python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/yt-dlp \
 && /opt/yt-dlp/bin/pip install --no-cache-dir --disable-pip-version-check \
      ${YTDLP_PIP_INDEX_URL:+--index-url "$YTDLP_PIP_INDEX_URL"} 'yt-dlp[default]' \
 && /opt/yt-dlp/bin/yt-dlp --version \
 && useradd --system --home /var/lib/tubedigest --create-home tubedigest \
 && install -d -o tubedigest -g tubedigest /var/lib/tubedigest/yt-dlp /var/lib/tubedigest/audio
COPY --from=build /build/bin/tubedigest /build/bin/tubedigest-ingest /build/bin/tubedigest-summarize \
     /build/bin/tubedigest-tts /build/bin/tubedigest-gateway /usr/local/bin/
COPY scripts/container/yt-dlp scripts/container/tubedigest-ytdlp-update /usr/local/bin/
# Found beside the executables (libs/summarize/prompts.h): an empty
# PROMPTS_DIR from compose still finds them.
COPY prompts /usr/local/share/tubedigest/prompts
ENV GATEWAY_LISTEN=0.0.0.0:6452 \
    YTDLP_AUTO_UPDATE=on \
    YTDLP_HOME=/var/lib/tubedigest/yt-dlp
USER tubedigest
WORKDIR /var/lib/tubedigest
EXPOSE 6452
CMD ["tubedigest-gateway"]
