# Two stages: the first installs the package and seeds the embedded SQLite database; the second holds only
# the virtual environment and that database, runs as a non-root user and serves `python -m api`.
FROM python:3.11.14-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY api ./api
COPY migrations ./migrations
COPY seed ./seed
# Exactly the locked releases, each checked against its hash; then the project itself, adding nothing.
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir --require-hashes -r requirements.lock \
    && pip install --no-cache-dir --no-deps . \
    && mkdir /data \
    && DATABASE_URL=sqlite:////data/tip_tiers.db python -m seed


FROM python:3.11.14-slim-bookworm

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/tip_tiers.db \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=2

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=10001:10001 /data /data

USER 10001:10001
EXPOSE 8000
# Liveness only: /ready (database and data) is for the load balancer, not for restarting the container.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=2)"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "api"]
