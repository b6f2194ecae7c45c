# Multi-stage image of the worker: compiled JavaScript, production dependencies only, non-root.
#   docker build -t mysql-analytics-worker .
#   docker run --rm mysql-analytics-worker npx mikro-orm migration:up   # with the migrator account's MYSQL_*
#   docker run --rm mysql-analytics-worker                               # the worker: npm run worker

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json mikro-orm.config.ts ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    MIKRO_ORM_CLI_USE_TS_NODE=false \
    MIKRO_ORM_CLI_CONFIG=./dist/mikro-orm.config.js \
    HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The launcher of `npm run worker`: with no sources and no tsx here, it runs dist/.
COPY bin ./bin
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The user's production command; its script execs the worker, so the SIGTERM that npm (PID 1)
# forwards reaches it and npm exits with the worker's code.
CMD ["npm", "run", "worker"]
