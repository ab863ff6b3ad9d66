# syntax=docker/dockerfile:1
# One image, two commands: the LiveKit worker (the default) and the token server.
#
#   docker build -t booking-agent .
#   docker run --env-file .env booking-agent                                 # booking-voice start
#   docker run --env-file .env -p 8081:8081 booking-agent booking-tokens     # the token server
#   docker run --env-file .env booking-agent booking db migrate              # once per upgrade
#
# Modelled on LiveKit's agent-starter-python Dockerfile, with pip and the project's extras
# instead of uv and a lock file. Nothing secret is read while building: every key and URL
# arrives as an environment variable when a container starts (compose.yaml, README
# "Deployment"). tests/test_deploy.py runs this file's install steps in a fresh virtualenv.

# Pinned for reproducible builds; bump the patch release for security fixes (or pin a digest).
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS base
# Logs leave at once, so a crash never swallows its last lines.
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# --- build: the project and its dependencies into /opt/venv -------------------------------
FROM base AS build
# What the worker and the token server need: LiveKit and its speech plugins, Postgres, the
# token server, LLM understanding (used only when OPENAI_API_KEY is set).
ARG EXTRAS=voice,postgres,tokens,llm
WORKDIR /src
COPY . .
# Wheels only: every dependency ships them for linux amd64 and arm64, so the image needs no
# compiler. The cache mount keeps pip's downloads between builds, out of the image.
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m venv /opt/venv \
    && /opt/venv/bin/pip install --only-binary=:all: ".[${EXTRAS}]"

# --- runtime: the virtualenv, a user without privileges, no sources or build tools --------
FROM base
ARG UID=10001
RUN adduser --disabled-password --gecos "" --home /app --shell /sbin/nologin \
        --uid "${UID}" appuser
# Owned by root: the app cannot rewrite its own code.
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
USER appuser
# The files LiveKit's plugins fetch on first use (models), fetched now, into this user's
# home, so a container starts ready and offline. LiveKit's own command for it; the
# deprecated `booking-voice download-files` does the same.
RUN python -m livekit.agents download-files
# A container's loopback is its own: the token server listens on every interface in here
# (compose.yaml sets it again, over a TOKEN_API_HOST an env file may carry).
ENV TOKEN_API_HOST=0.0.0.0
# The token server (booking-tokens); the worker's health page (LiveKit's, GET /) in its
# own container.
EXPOSE 8081
CMD ["booking-voice", "start"]
