# One image for every PayGate process; docker-compose.yml picks the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOST=0.0.0.0
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN python -m venv /app/.venv && /app/.venv/bin/pip install --no-cache-dir -r requirements.txt
ENV PATH=/app/.venv/bin:$PATH
COPY backend backend
COPY tasks tasks
COPY seeds seeds
COPY migrations migrations
COPY ui_common ui_common
COPY ui_dashboard ui_dashboard
COPY ui_checkout ui_checkout
COPY widget widget
# var/shared exists in the image so that the volume mounted there starts out owned by paygate; /keys: the
# compose volume of the generated encryption key (a new named volume copies this owner and mode)
RUN useradd --create-home paygate && mkdir -p /app/var/shared /keys && chown -R paygate /app/var /keys && chmod 700 /keys
USER paygate
EXPOSE 8000 3000 3001
CMD ["python", "-m", "backend.serve"]
