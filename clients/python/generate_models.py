"""Regenerate src/paygate/models.py from the API's OpenAPI document with datamodel-code-generator, using
the options in pyproject.toml ([tool.datamodel-codegen]).

    python clients/python/generate_models.py                       # from the app in process (repo checkout)
    python clients/python/generate_models.py --url http://127.0.0.1:8000/api/v1/openapi.json --check

--check changes nothing and exits 1, with a diff, when the committed file differs from what the document gives.
"""
from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = HERE / "src" / "paygate" / "models.py"


def document_from_app() -> bytes:
    sys.path.insert(0, str(HERE.parent.parent))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/openapi.db")
        os.environ.setdefault("HUEY_SQLITE_PATH", f"{tmp}/huey.db")
        from backend import create_app
        from backend.config import Config

        return create_app(Config.from_env(), seed=False).test_client().get("/api/v1/openapi.json").data


def generate(document: bytes) -> str:
    codegen = shutil.which("datamodel-codegen", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                                        os.environ.get("PATH", "")]))
    if codegen is None:
        raise SystemExit("datamodel-codegen is not installed (pip install -r requirements.txt)")
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "openapi.json", Path(tmp) / "models.py"
        source.write_bytes(document)
        # Run from this folder so that the generator reads its options from pyproject.toml.
        subprocess.run([codegen, "--input", str(source), "--output", str(target)], cwd=HERE, check=True,
                       capture_output=True)
        return target.read_text("utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="the live document, e.g. http://127.0.0.1:8000/api/v1/openapi.json")
    parser.add_argument("--check", action="store_true", help="compare with the committed file; write nothing")
    args = parser.parse_args(argv)
    document = urllib.request.urlopen(args.url, timeout=30).read() if args.url else document_from_app()
    fresh = generate(document)
    if not args.check:
        MODELS.write_text(fresh, "utf-8")
        print(f"wrote {MODELS}")
        return 0
    committed = MODELS.read_text("utf-8")
    if fresh == committed:
        print("models.py matches the OpenAPI document")
        return 0
    sys.stdout.writelines(difflib.unified_diff(committed.splitlines(True), fresh.splitlines(True),
                                               "models.py (committed)", "models.py (from the document)"))
    print("\nmodels.py is stale: run `make sdk-models` and commit the result")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
