"""The composition root: what one PayGate process is made of (configuration, processor, job queue, the
credential cache, the worker's jobs, the database's engines), built in one call that the API (`create_app`),
the worker (`python -m tasks`) and the CLI commands (`flask ...`, through `create_app`) each make.

Importing this module builds nothing; two runtimes in one process (two apps, two configurations) share no
queue, cache or engine.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask
from huey import Huey

from backend import database
from backend.config import ROOT, Config
from backend.models import SESSION_INFO, db
from backend.processors import Processor, get_processor
from backend.services import jobs
from backend.services.merchants import CredentialCache
from tasks.jobs import Jobs
from tasks.queue import HueyQueue, make_huey


@dataclass(eq=False)
class Runtime:
    config: Config
    processor: Processor
    credentials: CredentialCache
    queue: HueyQueue = field(init=False)
    jobs: Jobs = field(init=False)
    _forwarding_secret: str | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def huey(self) -> Huey:
        return self.queue.huey

    def forwarding_secret(self) -> str:
        # Read on first use: a deployment without a dashboard never needs it.
        with self._lock:
            if self._forwarding_secret is None:
                self._forwarding_secret = self.config.forwarding_secret()
        return self._forwarding_secret

    def init_database(self, app: Flask) -> None:
        """This runtime's database on a Flask app: its two engines, their listeners, and every session
        opened in the app's contexts handing its jobs to this runtime's queue."""
        config = self.config
        app.config.update(
            SQLALCHEMY_DATABASE_URI=config.database_url,
            SQLALCHEMY_ENGINE_OPTIONS=database.engine_options(config),
            SQLALCHEMY_BINDS=database.binds(config),
        )
        db.init_app(app)
        with app.app_context():
            if config.is_sqlite:
                (ROOT / "var").mkdir(exist_ok=True)
            database.configure(db.engine, db.engines[database.AUTOCOMMIT_BIND], config)
        jobs.bind(app.extensions.setdefault(SESSION_INFO, {}), self.queue)  # models.AppSession reads it

    def database_app(self) -> Flask:
        """A Flask app with nothing but the database, for the worker: its jobs run in its app contexts."""
        app = Flask("paygate.worker")
        self.init_database(app)
        return app


def build(config: Config | None = None) -> Runtime:
    """Everything a process needs, from `config` (default: the environment, read now)."""
    config = config or Config.from_env()
    runtime = Runtime(config, get_processor(config), CredentialCache(config))
    runtime.jobs = Jobs(config, runtime.processor, runtime.database_app)
    huey = make_huey(config)
    runtime.queue = runtime.jobs.queue = HueyQueue(huey, runtime.jobs.register(huey))
    return runtime
