"""Pure rules of the gateway: no I/O, no Flask, no database. Table-tested in tests/unit."""
