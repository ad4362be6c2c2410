"""Seed data: the sandbox test merchant of the architecture document. Idempotent."""
from __future__ import annotations

import click

from backend.config import Config
from backend.models import db
from backend.services.merchants import reencrypt_all, seed_test_merchant


def seed_all(config: Config) -> bool:
    return seed_test_merchant(db.session, config)


def register_cli(app, runtime) -> None:
    """The `flask` commands, over the app's runtime (backend/runtime.py)."""
    config = runtime.config

    @app.cli.command("seed")
    def seed_command() -> None:
        """Create the test merchant if it is missing."""
        created = seed_all(config)
        click.echo("test merchant created" if created else "test merchant already present")

    @app.cli.command("rotate-encryption-key")
    def rotate_command() -> None:
        """Re-encrypt every merchant secret under the first key of ENCRYPTION_KEYS (see README)."""
        click.echo(f"{reencrypt_all(db.session, runtime.credentials)} merchants re-encrypted under the first key")

    @app.cli.command("load-demo")
    @click.option("--payments", type=click.IntRange(1), required=True, help="How many orders and payments to add")
    @click.option("--email", default=None, help="The merchant (default: the seeded test merchant)")
    @click.option("--seed", type=int, default=None, help="Random seed, for a repeatable history")
    @click.option("--streams", type=click.IntRange(1), default=None, help="Connections writing at once (PostgreSQL)")
    @click.option("--chunk", type=click.IntRange(1), default=None, help="Orders per transaction")
    def load_demo_command(payments: int, email: str | None, seed: int | None, streams: int | None,
                          chunk: int | None) -> None:
        """Add a large, realistic history to one merchant, in bulk (seeds/loader.py)."""
        from seeds.loader import CHUNK, STREAMS, load

        email = email or config.test_merchant_email
        try:
            figures = load(payments, email, config.webhook_log_retention_days, seed, echo=click.echo,
                           streams=streams or STREAMS, chunk_size=chunk or CHUNK)
        except LookupError as exc:
            raise click.ClickException(str(exc))
        click.echo(f"loaded {figures['payments']:,} payments for {email}: {figures['rows']:,} rows in "
                   f"{figures['seconds']:.1f} s, {figures['rows_per_s']:,.0f} rows/s"
                   + ("" if figures["webhook_logs"] else " (no webhook URL set: no webhook logs, as the API)"))
