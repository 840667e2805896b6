# drydock's image: the built package on Node 20, a non-root user, `drydock serve` by default.
# The same image runs the API (`serve`), the workers (`worker`) and the migration Job (`migrate`);
# deploy/kubernetes/ shows how. No container engine runs on drydock's build machines: the recipe is
# checked by test/image-recipe.test.ts (every path and command it uses exists in the built package).
#
#   docker build -t registry.example.com/drydock:0.1.0 .
#   docker build --build-arg TERRAFORM_VERSION=1.11.4 -t registry.example.com/drydock:0.1.0 .

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile TypeScript and the console, then keep only what runs -----------------------
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles its native module when no prebuilt one matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- run ------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
# What workers run: ansible-playbook (Ansible backyard), the PostgreSQL client (backup and restore
# use pg_dump / pg_restore / psql), tini (signals reach node; zombies of job processes are reaped).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ansible postgresql-client tini ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
# Terraform is not in Debian: give a version to include it (the Terraform CLI backyard needs it).
ARG TERRAFORM_VERSION=""
RUN if [ -n "$TERRAFORM_VERSION" ]; then \
      arch="$(dpkg --print-architecture)" \
      && curl -fsSLo /tmp/terraform.zip "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_${arch}.zip" \
      && unzip -d /usr/local/bin /tmp/terraform.zip terraform && rm /tmp/terraform.zip \
      && terraform version; \
    fi
RUN groupadd --gid 10001 drydock \
 && useradd --uid 10001 --gid drydock --home-dir /var/lib/drydock --create-home --shell /usr/sbin/nologin drydock
WORKDIR /opt/drydock
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
ENV NODE_ENV=production \
    DRYDOCK_HOST=0.0.0.0 \
    DRYDOCK_PORT=8080 \
    DRYDOCK_DATA_DIR=/var/lib/drydock
USER 10001:10001
EXPOSE 8080
# SIGTERM reaches node through tini: serve finishes its requests, worker its jobs (within
# DRYDOCK_WORKER_GRACE_SECONDS), then they exit.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/drydock/bin/drydock.mjs"]
CMD ["serve"]
