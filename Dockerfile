# Build: docker build -t releasebot .
# Run:   docker compose up   (see compose.yaml), or
#        docker run --env-file .env -v $PWD/config.yaml:/etc/releasebot/config.yaml:ro releasebot serve
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not invalidate the module cache layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same `make build` as CI; the context has no .git, so the commit comes
# in as an argument: docker build --build-arg BUILD_COMMIT=$(git rev-parse HEAD) .
ARG BUILD_COMMIT=""
RUN make build OUT=/out/releasebot BUILD_COMMIT="$BUILD_COMMIT"

# A slim Debian rather than distroless: `command` deployers run the
# operator's scripts, which need a shell and the team's tools (extend this
# image with them: FROM releasebot, then apt-get install what the scripts use).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/releasebot --create-home releasebot
COPY --from=build /out/releasebot /usr/local/bin/releasebot
# The example documents every key; mount your own config.yaml over
# /etc/releasebot/config.yaml (time zones are embedded in the binary).
COPY config.example.yaml /etc/releasebot/config.example.yaml
ENV RELEASEBOT_CONFIG=/etc/releasebot/config.yaml
USER releasebot
WORKDIR /var/lib/releasebot
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=4s CMD ["/usr/local/bin/releasebot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/releasebot"]
CMD ["serve"]
