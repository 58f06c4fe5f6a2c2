# Build: docker build -t releasebot .
# Run:   docker compose up   (see compose.yaml), or
#        docker run --env-file .env -v $PWD/config.yaml:/etc/releasebot/config.yaml:ro releasebot serve
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not invalidate the module cache layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/releasebot ./cmd/releasebot

# distroless/static has CA certificates (for Slack and GitHub over TLS) and
# tzdata is embedded in the binary, so deploy windows resolve their zones.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/releasebot /usr/local/bin/releasebot
COPY config.example.yaml /etc/releasebot/config.example.yaml
ENV RELEASEBOT_CONFIG=/etc/releasebot/config.yaml
USER nonroot:nonroot
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/releasebot"]
CMD ["serve"]
