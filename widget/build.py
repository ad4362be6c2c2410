"""Build `widget/dist/checkout.js` from `widget/checkout.py`, in Python only (no Node).

    python -m widget.build                 # writes widget/dist/checkout.js
    python -m widget.build --out DIR/x.js  # writes elsewhere (the build test compares the two)

Steps: refuse syntax that Transcrypt 3.9.5 silently miscompiles; transpile with Transcrypt into ES
modules in a temporary folder; bundle those modules, in dependency order, each in its own function
scope, into one classic script whose only global is `window.PaymentGateway`; minify with rjsmin.
The output depends only on the inputs (Transcrypt's timestamp line is dropped), so a rebuild is
byte-for-byte identical to the committed file.
"""
from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import rjsmin

WIDGET_DIR = Path(__file__).resolve().parent
SOURCE = WIDGET_DIR / "checkout.py"
DEFAULT_OUT = WIDGET_DIR / "dist" / "checkout.js"
ENTRY = "checkout"
EXPORT = "PaymentGateway"
BANNER = ("/*! PayGate checkout.js: defines window.PaymentGateway. Generated from widget/checkout.py "
          "by `python -m widget.build` (Transcrypt); do not edit. */\n")

_IMPORT_RE = re.compile(r"^import \{([^}]*)\} from '\./([^']+)\.js';$", re.M)
_EXPORT_DECL_RE = re.compile(r"^export (var|let|const|function|class) ([A-Za-z_$][\w$]*)", re.M)
_NOISE_RE = re.compile(r"^(// Transcrypt'ed from Python.*|//# sourceMappingURL=.*)$\n?", re.M)


class BuildError(Exception):
    pass


def check_source(text: str, filename: str = str(SOURCE)) -> None:
    """Fail on syntax that Transcrypt 3.9.5 turns into broken JavaScript while exiting 0 (widget/README.md)."""
    problems = []
    for node in ast.walk(ast.parse(text, filename)):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.NamedExpr):
            problems.append(f"line {line}: ':=' is not supported")
        elif isinstance(node, ast.Match):
            problems.append(f"line {line}: 'match' is not supported")
        elif type(node).__name__ == "TryStar":
            problems.append(f"line {line}: 'except*' is not supported")
        elif isinstance(node, ast.arguments) and node.posonlyargs:
            problems.append(f"line {line}: positional-only parameters are not supported")
        elif isinstance(node, ast.Call) and node.keywords:
            problems.append(f"line {line}: keyword arguments are ignored by Transcrypt")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            problems.append(f"line {line}: f-string format specs are dropped by Transcrypt")
    if problems:
        raise BuildError(f"{filename}: " + "; ".join(problems))


def transpile(source: Path, workdir: Path) -> Path:
    """Run Transcrypt on a copy of `source` in `workdir`; return the folder of ES modules."""
    shutil.copyfile(source, workdir / f"{ENTRY}.py")
    result = subprocess.run([sys.executable, "-m", "transcrypt", "-b", "-n", f"{ENTRY}.py"],
                            cwd=workdir, capture_output=True, text=True)
    target = workdir / "__target__"
    if result.returncode != 0 or "Error" in result.stdout or not (target / f"{ENTRY}.js").exists():
        raise BuildError(f"Transcrypt failed:\n{result.stdout}\n{result.stderr}")
    return target


def _module_var(name: str) -> str:
    return "__module_" + re.sub(r"\W", "_", name)


def _wrap_module(name: str, code: str) -> tuple[str, list[str]]:
    """One ES module as `var __module_x = (function () {...; return {exports};})();`."""
    code = _NOISE_RE.sub("", code)
    prologue = []
    for names, dependency in _IMPORT_RE.findall(code):
        for item in names.split(","):
            parts = item.split(" as ")
            imported, local = parts[0].strip(), parts[-1].strip()
            if imported:
                prologue.append(f"var {local} = {_module_var(dependency)}.{imported};")
    code = _IMPORT_RE.sub("", code)
    exports = _EXPORT_DECL_RE.findall(code)
    code = _EXPORT_DECL_RE.sub(lambda m: f"{m.group(1)} {m.group(2)}", code)
    if re.search(r"^\s*(import|export)\b", code, re.M):
        raise BuildError(f"module {name}: an import or export form the bundler does not know")
    table = ", ".join(f"{local}: {local}" for _, local in exports)
    body = "\n".join(['"use strict";', *prologue, code.strip(), f"return {{{table}}};"])
    return f"var {_module_var(name)} = (function () {{\n{body}\n}})();\n", [n for _, n in exports]


def _dependency_order(target: Path) -> list[str]:
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise BuildError(f"circular import through {name}")
        visiting.add(name)
        for _, dependency in _IMPORT_RE.findall((target / f"{name}.js").read_text(encoding="utf-8")):
            visit(dependency)
        visiting.discard(name)
        order.append(name)

    visit(ENTRY)
    return order


def bundle(target: Path) -> str:
    parts = []
    entry_exports: list[str] = []
    for name in _dependency_order(target):
        wrapped, exports = _wrap_module(name, (target / f"{name}.js").read_text(encoding="utf-8"))
        parts.append(wrapped)
        if name == ENTRY:
            entry_exports = exports
    if EXPORT not in entry_exports:
        raise BuildError(f"{ENTRY}.py defines no {EXPORT}")
    script = ("(function () {\n\"use strict\";\n" + "".join(parts)
              + f"window.{EXPORT} = {_module_var(ENTRY)}.{EXPORT};\n}})();\n")
    return BANNER + rjsmin.jsmin(script, keep_bang_comments=True) + "\n"


def build(out: Path = DEFAULT_OUT, source: Path = SOURCE) -> Path:
    check_source(source.read_text(encoding="utf-8"), str(source))
    with tempfile.TemporaryDirectory(prefix="widget-build-") as tmp:
        script = bundle(transpile(source, Path(tmp)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(script, encoding="utf-8", newline="\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the bundle")
    args = parser.parse_args(argv)
    try:
        out = build(args.out)
    except BuildError as exc:
        print(f"widget build failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
