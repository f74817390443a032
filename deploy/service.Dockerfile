# syntax=docker/dockerfile:1
# One recipe for every service. Build from the repository root:
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=gateway .
# (SERVICE = gateway | user-service | messaging-service). Stage 1 builds the workspace and makes
# a self-contained production folder with `pnpm deploy`; stage 2 is that folder on a slim Node
# image, owned by root and run as the unprivileged `node` user.
FROM node:22-bookworm-slim AS build
ARG SERVICE
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@12.4.2
WORKDIR /repo
COPY . .
RUN test -f "services/${SERVICE}/package.json" \
 && pnpm install --frozen-lockfile \
 && pnpm turbo run build --filter="@cruddur/${SERVICE}..." \
 && pnpm --filter "@cruddur/${SERVICE}" --prod deploy --legacy /out

FROM node:22-bookworm-slim
# Each service's PORT has its own default in its config schema; compose sets it anyway.
ENV NODE_ENV=production LOG_LEVEL=info HOST=0.0.0.0
WORKDIR /app
# Root-owned and read-only for the process: it cannot rewrite its own code.
COPY --from=build /out /app
USER node
# node is PID 1 and handles SIGTERM itself (close-with-grace drains in-flight requests).
CMD ["node", "--enable-source-maps", "dist/server.js"]
