# gonogo's container image: a static (musl) binary on an empty base, a CA bundle, a non-root user,
# and a static busybox for /bin/sh, because GitLab's Docker executor runs `script:` in a shell.
#
# Targets:
#   image (default)  builds gonogo from source with Rust on Alpine, where musl is the native libc:
#                      docker build -t gonogo .
#   prebuilt         packs a binary built beforehand, for builders without registry access:
#                      cargo build --profile dist --target x86_64-unknown-linux-musl
#                      cp /etc/ssl/certs/ca-certificates.crt target/container/
#                      buildah bud --target prebuilt --build-arg BINARY=target/x86_64-unknown-linux-musl/dist/gonogo \
#                        --build-arg BUSYBOX=target/container/busybox -t gonogo .   (after copying a static busybox there)
#                    By default it takes target/container/$TARGETARCH/{gonogo,busybox} (the release
#                    workflow's multi-arch build). busybox must be a static binary (Debian's
#                    busybox-static, or /bin/busybox of the busybox:musl image).
#
# The entrypoint is gonogo itself (`docker run IMAGE check`). GitLab jobs that use the image
# must reset it with `entrypoint: [""]` so the runner can start its shell (docs/gitlab.md).
#
# TLS: reqwest verifies servers against the system store, which an empty base lacks, so the
# image ships a CA bundle and SSL_CERT_FILE points at it. A private CA goes in GONOGO_CA_BUNDLE
# (added to these roots) or replaces the bundle (mount over the file or set SSL_CERT_FILE).

ARG RUST_IMAGE=docker.io/library/rust:1.95-alpine
ARG BUSYBOX_IMAGE=docker.io/library/busybox:1.37-musl

FROM ${BUSYBOX_IMAGE} AS busybox

FROM ${RUST_IMAGE} AS build
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev ca-certificates
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY rules rules
RUN cargo build --profile dist --locked \
    && install -D -m 0755 target/dist/gonogo /out/gonogo

FROM scratch AS runtime
LABEL org.opencontainers.image.title="gonogo" \
      org.opencontainers.image.description="A go/no-go gate for CI/CD pipelines: evidence in, GO or NO-GO out" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
ENV PATH=/usr/local/bin:/bin
WORKDIR /work
ENTRYPOINT ["gonogo"]
CMD ["--help"]

FROM runtime AS prebuilt
ARG TARGETARCH
ARG BINARY=target/container/${TARGETARCH}/gonogo
ARG CA_BUNDLE=target/container/ca-certificates.crt
ARG BUSYBOX=target/container/${TARGETARCH}/busybox
COPY ${CA_BUNDLE} /etc/ssl/certs/ca-certificates.crt
COPY ${BUSYBOX} /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -m 1777 /tmp"]
COPY ${BINARY} /usr/local/bin/gonogo
USER 65532:65532

FROM runtime AS image
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=busybox /bin/busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -m 1777 /tmp"]
COPY --from=build /out/gonogo /usr/local/bin/gonogo
USER 65532:65532
