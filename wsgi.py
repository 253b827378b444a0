"""Entry point for gunicorn and `flask --app wsgi`."""

from web import create_app

app = create_app()
