"""`python -m tasks [huey_consumer options]`: the worker. It builds the runtime from the environment (the
database, the queue, the processor: backend/runtime.py) and runs Huey's consumer on that queue, with the
options and logging `huey_consumer` takes."""
from __future__ import annotations

import logging
import sys

from huey.consumer_options import ConsumerConfig, OptionParserHandler

from backend.runtime import build


def main(argv: list[str] | None = None) -> None:
    options, args = OptionParserHandler().get_option_parser().parse_args(argv)
    if args:
        sys.exit(f"unexpected arguments {args}: the queue is the configuration's (REDIS_URL, HUEY_SQLITE_PATH)")
    config = ConsumerConfig(**{k: v for k, v in options.__dict__.items() if v is not None})
    config.validate()
    config.setup_logger(logging.getLogger("huey"))
    build().huey.create_consumer(**config.values).run()


if __name__ == "__main__":
    main()
