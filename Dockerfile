# The product's worker and admin API in one image; the command picks the part:
#   docker run --env-file care.env proactive-care worker
#   docker run --env-file care.env -p 3000:3000 proactive-care api
# It needs a Temporal (TEMPORAL_ADDRESS, and its TLS or API key), a PostgreSQL (DATABASE_URL) and
# the payload keys (PAYLOAD_KEY_FILE or PAYLOAD_KEYS); see the README's Configuration.
# Not built where this repository is developed (no registry there): kept minimal on purpose.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

# Dependencies first, for the layer cache; better-sqlite3 builds its native module here.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

COPY . .
# The database clients, as scripts/setup.sh makes them (PostgreSQL's schema is derived from SQLite's).
RUN node --import tsx scripts/prisma-postgres.ts \
  && for schema in prisma/schema.prisma prisma/postgres/schema.prisma; do \
       PRISMA_SCHEMA_ENGINE_BINARY=/app/scripts/schema-engine/schema-engine \
       node node_modules/prisma/build/index.js generate --schema "$schema"; \
     done

USER node
# The API listens on all interfaces inside the container; publish only what should be reached.
ENV API_HOST=0.0.0.0
EXPOSE 3000 3001
ENTRYPOINT ["node", "--import", "tsx", "src/start.ts", "--only"]
CMD ["worker"]
