# Careerpath web image: slim Python, non-root user, gunicorn.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 careerpath
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=careerpath:careerpath . .
RUN mkdir -p /app/staticfiles && chown careerpath:careerpath /app/staticfiles

USER careerpath
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
ENTRYPOINT ["/app/docker/entrypoint.sh"]
