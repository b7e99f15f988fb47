# The production image: runtime dependencies only (requirements/runtime.lock, hashed), the
# CPU build of torch, the collected static files, and a non-root user. See README "Deployment".

# --- front-end libraries (npm, package-lock.json) -------------------------------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- Python dependencies, built into a virtualenv that the final stage copies ----------------
FROM python:3.11-slim AS python-deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# torch first and without hashes: PyTorch's CPU-only build (no CUDA libraries, ~1/10 the size).
COPY requirements/torch.txt requirements/runtime.lock /tmp/requirements/
RUN pip install --no-deps -r /tmp/requirements/torch.txt --index-url https://download.pytorch.org/whl/cpu
RUN pip install --require-hashes -r /tmp/requirements/runtime.lock

# --- the application ---------------------------------------------------------------------
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    VAR_DIR=/app/var MEDIA_ROOT=/data/media EMBEDDING_CACHE_DIR=/data/models \
    DEBUG=false LOG_FORMAT=json
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY --chown=root:root api ./api
COPY --chown=root:root common ./common
COPY --chown=root:root config ./config
COPY --chown=root:root graph ./graph
COPY --chown=root:root ingest ./ingest
COPY --chown=root:root papers ./papers
COPY --chown=root:root profiles ./profiles
COPY --chown=root:root static ./static
COPY --chown=root:root templates ./templates
COPY --chown=root:root manage.py pyproject.toml ./
COPY --from=assets --chown=root:root /build/node_modules/cytoscape/dist ./node_modules/cytoscape/dist
# Static files are collected at build time. Settings need URLs to load; nothing connects here,
# and the key below only exists for this one command (it signs nothing that is kept).
RUN DATABASE_URL=postgres://build@127.0.0.1/build REDIS_URL=redis://127.0.0.1:6379/0 \
    SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /data/media /data/models /app/var \
    && chown -R app:app /data /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py"]
