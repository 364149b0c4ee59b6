# Build stage: compiles better-sqlite3 (python3, make and g++ for when no prebuilt binary can be
# fetched) and the TypeScript, then drops the dev dependencies.
FROM node:26-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies first so that a source change does not recompile SQLite; --ignore-scripts only
# defers the root's `prepare` (the build needs src/), and better-sqlite3's own script runs next.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
# The build starts the bundled server once (its code cache), which migrates a database.
COPY migrations ./migrations
COPY src ./src
# The dashboard, bundled into dist/ui by the build.
COPY ui ./ui
# The compiled addon is all better-sqlite3 needs at run time; its sources and objects are ~25 MB.
RUN npm run build && npm prune --omit=dev \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src build/deps build/Release/obj build/Release/obj.target build/Release/.deps build/Release/test_extension.node

# Final stage: production dependencies, the compiled server and its migrations, nothing else. dist holds
# the CLI bundle's V8 code cache, made by the build with this same Node image, so V8 accepts it.
FROM node:26-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4010
# No ALLOWED_HOSTS: `-p` from this machine and the HEALTHCHECK send a loopback Host. Another container
# that calls it by name needs that name: -e ALLOWED_HOSTS=clerk (see examples/docker-compose.yml).
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY package.json LICENSE openapi.yam[l] ./
RUN mkdir /data && chown node:node /data
USER node
# For a file database: -e DATABASE_PATH=/data/emulator.db -v clerk-data:/data
VOLUME /data
EXPOSE 4010
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["node", "dist/cli.js", "healthcheck"]
CMD ["node", "dist/cli.js"]
