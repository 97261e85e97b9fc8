"""The web app: ``reemud serve`` (FastAPI + uvicorn, Jinja2 pages, plotly.js served locally).

``app.create_app(Settings)`` builds it; ``queue`` keeps its jobs as rows of the store;
``worker`` runs them in worker processes; ``security`` holds the token, CSRF, limits and
headers; ``provenance`` says where every number comes from. See docs/web.md.
"""
