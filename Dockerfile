# benchgate's GitHub Action. The first stage builds gate; the runtime stage is the official golang
# image itself, because gate builds the user's benchmarks with the Go toolchain and needs git.
# The build stage runs on the building machine's platform and cross-compiles gate for the target
# one, so an arm64 image (docker buildx build --platform linux/arm64) is compiled, not emulated.
# BuildKit, podman and buildah set BUILDPLATFORM, TARGETOS and TARGETARCH themselves. Podman 4
# warns that TARGETOS and TARGETARCH are missing, and sets them all the same; it leaves
# BUILDPLATFORM empty on the FROM line when --platform is given, so a cross build there adds
# --build-arg BUILDPLATFORM=linux/amd64 (the building machine's platform).
FROM --platform=$BUILDPLATFORM docker.io/library/golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Declared here, so that the module download above is one cached layer for every target.
ARG TARGETOS
ARG TARGETARCH
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags=-s -o /out/gate ./cmd/gate

FROM docker.io/library/golang:1.26-bookworm
# The user the pull request's benchmarks run as: gate is root here, and its environment,
# memory and files are not the benchmarks' to read (see the README's threat model).
# Valgrind counts instructions for measure: instructions (Debian 12's 3.19).
RUN apt-get update && apt-get install -y --no-install-recommends valgrind && rm -rf /var/lib/apt/lists/*
RUN useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin benchgate
COPY --from=build /out/gate /usr/local/bin/gate
# Let the go command fetch the toolchain the user's go.mod asks for (the image says "local").
ENV GOTOOLCHAIN=auto
ENTRYPOINT ["gate", "action"]
