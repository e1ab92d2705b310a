# revoker worker / CLI image. Node 24 runs the TypeScript sources directly (type stripping),
# so there is no build step: the image is the sources plus production dependencies.
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY workers ./workers
USER node
# Mount the config at /config/revoker.config.json and pass secrets as env or files.
ENV REVOKER_CONFIG=/config/revoker.config.json
ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["worker"]
