"""PayGate: the API and the domain. `python -m backend.serve` serves the API (granian)."""


def create_app(*args, **kwargs):
    # Imported lazily so that `backend.domain` (pure rules, e.g. the webhook verifier) needs no Flask.
    from backend.app import create_app as _create_app

    return _create_app(*args, **kwargs)
