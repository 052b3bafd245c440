# mdcheck in a container: a static binary on a distroless base, as a
# non-root user. docker build -t mdcheck . ; docker run --rm mdcheck check
# runs the shipped example against the built-in advisory snapshot.
# deploy/docker-compose.yml runs the fleet server on PostgreSQL.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build records its commit where the context has no .git.
ARG COMMIT=unknown
ARG BUILD_DATE=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/mdcheck/mdcheck/internal/cli.Commit=${COMMIT} -X github.com/mdcheck/mdcheck/internal/cli.BuildDate=${BUILD_DATE}" \
      -o /out/mdcheck ./cmd/mdcheck \
 && mkdir -p /out/data

# Distroless static: CA certificates and time-zone data (the vigilance
# clocks read zones), no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mdcheck /usr/local/bin/mdcheck
COPY --from=build --chown=65532:65532 /out/data /data
# The vulnerability database, its feed mirror and the fleet store's
# default SQLite file live under /data.
ENV XDG_DATA_HOME=/data XDG_CACHE_HOME=/data/cache MDCHECK_ADDR=0.0.0.0:8080
USER 65532:65532
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/mdcheck"]
CMD ["serve"]
