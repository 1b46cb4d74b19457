FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////app/data/tip_tiers.db

WORKDIR /app
RUN useradd --create-home --uid 10001 app

COPY pyproject.toml README.md ./
COPY api ./api
COPY migrations ./migrations
COPY seed ./seed
RUN pip install . \
    && mkdir -p /app/data \
    && python -m seed \
    && chown -R app:app /app/data

USER app
EXPOSE 8000
CMD ["sh", "-c", "python -m seed && exec uvicorn api.main:app --host 0.0.0.0 --port 8000"]
