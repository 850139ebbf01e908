# Careerpath image: slim Python, a numeric non-root user, static files collected at build
# time so the container runs with a read-only root filesystem (only /tmp written).
# One image for every role: docker/entrypoint.sh serve|migrate|worker|scheduler.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN groupadd --gid 10001 careerpath \
    && useradd --uid 10001 --gid 10001 --create-home careerpath
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=careerpath:careerpath . .
# Collected once here (owned by root, read-only at run time); the entrypoint skips it.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
    python manage.py collectstatic --noinput --verbosity 0
ENV COLLECTSTATIC=0

# Numeric, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
