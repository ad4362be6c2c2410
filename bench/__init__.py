"""PayGate benchmarks (`make bench` = `python -m bench`): they print figures and never fail a build.

Every load targets 127.0.0.1 and every loop is bounded in count and time. The system under test is started
with the test harness (`tests.stack.Stores` / `Stack`) on PostgreSQL + Redis, the API under gunicorn.
"""
