FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/sauti
COPY pyproject.toml ./
COPY app ./app
COPY migrations ./migrations
COPY config.py manage.py ./
RUN pip install --no-cache-dir . && useradd --system sauti && mkdir -p instance && chown sauti instance
USER sauti
EXPOSE 8000
CMD ["sh", "-c", "flask --app manage db upgrade && exec gunicorn --workers 2 --bind 0.0.0.0:8000 'app:create_app()'"]
