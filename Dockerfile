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
CMD ["gunicorn", "meetup.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
