"""The package's version and the API it talks to by default. Nothing imported: `paygate --version` and the
CLI's config read these without loading the transport (httpx) or the models (pydantic)."""

__version__ = "0.1.0"

DEFAULT_BASE_URL = "http://localhost:8000"
