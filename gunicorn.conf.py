"""gunicorn settings of the API, read by gunicorn from the working directory (the command line still sets
workers, threads and the address)."""
import gc


def post_worker_init(worker):
    # The app, SQLAlchemy's mappers and pydantic's schemas (about 140,000 objects) live as long as the
    # worker. Left to the collector, every full collection walks them all: about 80 ms on a 2-core box,
    # during which the worker serves nobody. Frozen, they are skipped.
    gc.collect()
    gc.freeze()
    worker.log.info("worker %s: %d start-up objects frozen for the garbage collector", worker.pid,
                    gc.get_freeze_count())
