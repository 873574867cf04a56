FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir uv \
    && apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 meetup

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=/opt/venv \
    && mkdir -p /app/media && chown -R meetup:meetup /app/media

USER meetup
EXPOSE 8000
# gunicorn gthread: 3 processes x 8 threads. Each process keeps a pool of one database
# connection per thread (MEETUP_DB_POOL_MAX = --threads; 1 for sync workers), so a request
# never waits for a connection while a thread of its own process is idle. --timeout is above
# MEETUP_DB_POOL_TIMEOUT, so a request still waiting for the database is not killed first.
ENV MEETUP_DB_POOL_MAX=8 \
    MEETUP_DB_POOL_TIMEOUT=30 \
    MEETUP_MEDIA_ROOT=/app/media
CMD ["gunicorn", "meetup.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "3", "--threads", "8", "--timeout", "60", "--access-logfile", "-"]
