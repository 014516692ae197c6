# syntax=docker/dockerfile:1
# The Klaxon engine image: `docker build -t klaxon .` from the repository root.
# Stage 1 builds the packages and installs the CLI tarball the way a user would (npm install of the
# packed @klaxon/cli, with its native better-sqlite3 built here); stage 2 is a slim runtime with only
# that install, running as a non-root user with a read-only root file system.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# `npm pack` builds the CLI bundle and the web UI first (its prepack script).
RUN npm ci --no-audit --no-fund && mkdir -p /tmp/pack \
  && npm pack -w @klaxon/cli --pack-destination /tmp/pack
WORKDIR /opt/klaxon
RUN npm init -y >/dev/null && npm install --omit=dev --no-audit --no-fund /tmp/pack/klaxon-cli-*.tgz \
  && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
COPY --from=build /opt/klaxon /opt/klaxon
# UID 10001: no clash with host users; the Kubernetes manifests run as the same UID.
RUN groupadd --system --gid 10001 klaxon \
  && useradd --system --uid 10001 --gid klaxon --home-dir /var/lib/klaxon klaxon \
  && mkdir -p /var/lib/klaxon /etc/klaxon && chown klaxon:klaxon /var/lib/klaxon
USER 10001:10001
WORKDIR /var/lib/klaxon
# SQLite data (ignored when DATABASE_URL points at PostgreSQL). Everything else is read-only.
VOLUME ["/var/lib/klaxon"]
EXPOSE 8080
# Node runs as PID 1 and handles SIGTERM itself (graceful shutdown); SIGHUP reloads the config.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/klaxon/node_modules/@klaxon/cli/bin/klaxon.js"]
CMD ["serve", "--config", "/etc/klaxon/klaxon.yaml", "--host", "0.0.0.0", "--port", "8080", "--db", "/var/lib/klaxon/klaxon.db"]
