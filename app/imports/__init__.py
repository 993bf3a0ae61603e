"""CSV imports (forecasts, subscription additions, cancellations, location updates), run
as Celery tasks: `service` creates and runs them, `rows` reads each kind's lines."""
