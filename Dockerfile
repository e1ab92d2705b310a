# The revoker image: the `revoker` command (worker by default; also serve, submit, demo, sandbox…).
# Three stages: `build` compiles dist/ with the dev dependencies, `deps` installs the production
# dependencies only, and the final stage holds those, dist/ and bin/ and runs as the user node.
# No secret is ever part of the image: configs and secrets are mounted when it runs.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; the build runs below. The
# npm cache is a build cache mount: kept between builds, never in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` needs the dev dependencies; dist/ comes from the build stage.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="cert-revoker" \
      org.opencontainers.image.description="Bulk certificate revocation and replacement through CA vendor APIs (Sectigo, DigiCert), as a BullMQ job queue" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    REVOKER_CONFIG=/config/revoker.config.json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json revoker.config.example.json ./
COPY bin ./bin
COPY --from=build /src/dist ./dist
# /reports: where reports go (the demo's, `submit --report`, schedules' reportDir); compose mounts a
# volume there. /sandbox-ca: where the demo profile's sandbox writes its CA for the workers. The
# only directories the process writes; everything else stays root's.
RUN ln -s /app/bin/revoker.cjs /usr/local/bin/revoker \
 && mkdir -p /config /reports /sandbox-ca && chown node:node /reports /sandbox-ca
USER node
WORKDIR /reports
VOLUME ["/reports"]
# 9464: the worker's /metrics and /healthz (--metrics-port); 8080: `revoker serve`.
EXPOSE 9464 8080
# The worker's health by default; compose gives the api service its /readyz instead.
# REVOKER_HEALTH_URL changes it for another command or port.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.REVOKER_HEALTH_URL || 'http://127.0.0.1:9464/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The worker finishes calls in flight on SIGTERM (bounded by --grace-ms, 30 s by default).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/revoker.cjs"]
CMD ["worker", "--metrics-port", "9464", "--metrics-host", "0.0.0.0"]
