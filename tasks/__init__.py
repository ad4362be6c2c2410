"""The worker: `python -m tasks` (Huey's consumer options). Each job is a thin call into backend.services.

Importing this package builds nothing: the queue and the jobs are made by `backend.runtime.build`."""
