FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/sauti
COPY pyproject.toml ./
COPY app ./app
COPY migrations ./migrations
COPY config.py manage.py gunicorn.conf.py ./
RUN pip install --no-cache-dir . && useradd --system sauti && mkdir -p instance && chown sauti instance
USER sauti
EXPOSE 8000
# Give the container its settings, e.g.
#   docker run -e REDIS_URL=redis://redis:6379/0 -e DATABASE_URL=postgresql://… \
#     -e SECRET_KEY=… -e SESSION_SIGNING_KEY=… -e PIN_PEPPER=… -e AT_CALLBACK_TOKEN=… sauti
# gunicorn reads gunicorn.conf.py (WEB_CONCURRENCY workers, default 2) and refuses to
# start, naming what is missing. Sessions live in Redis: without REDIS_URL the in-process
# store serves one process only, so only `-e WEB_CONCURRENCY=1` starts (a trial).
CMD ["sh", "-c", "flask --app manage db upgrade && exec gunicorn"]
