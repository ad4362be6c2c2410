"""The composition root (backend/runtime.py): importing builds nothing, and each app has its own queue."""
from __future__ import annotations

import subprocess
import sys

from harness.stack import ROOT


def test_importing_the_packages_builds_nothing(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HUEY_SQLITE_PATH": str(tmp_path / "queue.db"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'paygate.db'}"}
    code = ("import backend, tasks, backend.app, backend.runtime, backend.api.limits, tasks.jobs, tasks.queue, seeds; "
            "import gc, flask, huey; "
            "print(sum(isinstance(o, (huey.Huey, flask.Flask)) for o in gc.get_objects()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert list(tmp_path.iterdir()) == [], "an import opened a store"
    assert out.stdout.strip() == "0", "an import built a queue or an app"


def test_two_apps_with_two_configurations_have_two_queues(tmp_path):
    from backend import create_app
    from backend.config import Config

    apps = [create_app(Config.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / name}.db",
                                        "HUEY_SQLITE_PATH": str(tmp_path / f"{name}-queue.db")}),
                       seed=False, configure_logging=False) for name in ("a", "b")]
    first, second = (app.runtime for app in apps)
    assert first.queue is not second.queue and first.huey is not second.huey
    assert first.huey.storage.filename == str(tmp_path / "a-queue.db")
    assert second.huey.storage.filename == str(tmp_path / "b-queue.db")
    assert first.credentials is not second.credentials
    for app, runtime in zip(apps, (first, second)):
        with app.app_context():
            from backend.models import db
            from backend.services import jobs

            assert jobs.queue_of(db.session) is runtime.queue  # what this app's commits enqueue into
            assert str(db.engine.url).endswith(f"{'a' if runtime is first else 'b'}.db")
