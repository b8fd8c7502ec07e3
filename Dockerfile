# syntax=docker/dockerfile:1
# byoc-hub: build with `docker build -t byoc-hub .`, run with `docker run --env-file .env -p 8080:8080 byoc-hub`.
# The built-in config (deploy/docker/byoc-hub.yaml) is live mode, SQLite in /app/data: it needs the CXone and client
# secrets in the environment and opens nothing without them. The CXone sandbox only when asked:
#   docker run -e BYOC_CONFIG=/app/config/byoc-hub.yaml -p 8080:8080 byoc-hub
# Your own config: mount it and point BYOC_CONFIG at it; see docs/production.md.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies, TypeScript -> dist/, then drop the dev dependencies -------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# a toolchain in case no prebuilt better-sqlite3 binary matches the platform
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# manifests first, so the dependency layer is cached until they change (workspaces need theirs too)
COPY package.json package-lock.json ./
COPY core/plugin-api/package.json core/plugin-api/
COPY packages/plugin-kit/package.json packages/plugin-kit/
COPY plugins/watering-hole/package.json plugins/watering-hole/
COPY plugins/generic-webhook/package.json plugins/generic-webhook/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.web.json ./
COPY scripts scripts
COPY config config
COPY deploy/docker deploy/docker
COPY core core
COPY packages packages
COPY plugins plugins
COPY templates templates
COPY test/fixtures/plugins test/fixtures/plugins
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: compiled code and production dependencies only, as the unprivileged `node` user ----------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    METRICS_HOST=0.0.0.0 \
    BYOC_CONFIG=/app/deploy/docker/byoc-hub.yaml \
    BYOC_DB=/app/data/byoc-hub.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
# the workspace packages the links in node_modules point at, as built (each its package.json and dist/); the shipped
# configs name /app/plugins/watering-hole, a package folder the loader resolves through its package.json
COPY --from=build /app/core/plugin-api/package.json core/plugin-api/
COPY --from=build /app/core/plugin-api/dist core/plugin-api/dist
COPY --from=build /app/plugins/watering-hole/package.json plugins/watering-hole/
COPY --from=build /app/plugins/watering-hole/dist plugins/watering-hole/dist
COPY --from=build /app/plugins/generic-webhook/package.json plugins/generic-webhook/
COPY --from=build /app/plugins/generic-webhook/dist plugins/generic-webhook/dist
COPY --from=build /app/dist dist
COPY --from=build /app/templates templates
COPY --from=build /app/config config
COPY --from=build /app/deploy/docker deploy/docker
COPY bin bin
# the only writable path the hub needs (SQLite driver); with store.driver redis the root filesystem can be read-only
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080 9464
# liveness only: a Redis or CXone outage makes the hub not *ready*, and restarting it would not help
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/live').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful drain (readiness off, BYOC_DRAIN_DELAY_MS, finish in-flight jobs)
STOPSIGNAL SIGTERM
CMD ["node", "bin/byoc-hub.js", "start"]
