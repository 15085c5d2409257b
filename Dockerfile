# benchgate's GitHub Action. The first stage builds gate; the runtime stage is the official golang
# image itself, because gate builds the user's benchmarks with the Go toolchain and needs git.
FROM docker.io/library/golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags=-s -o /out/gate ./cmd/gate

FROM docker.io/library/golang:1.26-bookworm
COPY --from=build /out/gate /usr/local/bin/gate
# Let the go command fetch the toolchain the user's go.mod asks for (the image says "local").
ENV GOTOOLCHAIN=auto
ENTRYPOINT ["gate", "action"]
