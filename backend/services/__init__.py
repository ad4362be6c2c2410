"""Use cases over a SQLAlchemy session, shared by the API and the worker. No Flask request objects here."""
