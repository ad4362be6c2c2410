"""Seed data: the sandbox test merchant of the architecture document. Idempotent."""
from __future__ import annotations

import click

from backend.config import Config, get_config
from backend.models import db
from backend.services.merchants import reencrypt_all, seed_test_merchant


def seed_all(config: Config) -> bool:
    return seed_test_merchant(db.session, config)


def register_cli(app) -> None:
    @app.cli.command("seed")
    def seed_command() -> None:
        """Create the test merchant if it is missing."""
        created = seed_all(get_config())
        click.echo("test merchant created" if created else "test merchant already present")

    @app.cli.command("rotate-encryption-key")
    def rotate_command() -> None:
        """Re-encrypt every merchant secret under the first key of ENCRYPTION_KEYS (see README)."""
        click.echo(f"{reencrypt_all(db.session, get_config())} merchants re-encrypted under the first key")
