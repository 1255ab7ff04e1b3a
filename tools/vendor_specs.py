"""Vendor the contracts the tests validate against: trimmed copies of the OpenAI and OpenRouter specs.

The tests must run in any clone, so they never read a spec from outside the repository. This tool
cuts each upstream OpenAPI document down to its `/videos*` paths plus the transitive closure of
the components they reference (and the schemas named in EXTRA_REFS), and writes it as JSON under
`tests/contract/specs/`, with `SOURCE.json` recording where each came from: repository, path,
commit, the upstream file's sha256 and size, and the vendored file's sha256.

Nothing is rewritten: path items and components are copied verbatim, so a violation reported
against the copy is a violation against the original. Test-time adjustments (widening enums,
repairing a broken example) stay in the tests, next to the reason for them.

    python tools/vendor_specs.py openai PATH/openai-openapi.yaml \
        --repo openai/openai-openapi --path openapi.yaml --commit f85dbe2...
    python tools/vendor_specs.py openrouter PATH/openrouter-openapi.yaml \
        --repo OpenRouterTeam/typescript-sdk --path .speakeasy/in.openapi.yaml --commit cb9393a...
    python tools/vendor_specs.py --check     # the vendored files still match SOURCE.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parents[1] / "tests" / "contract" / "specs"
SOURCES = OUT / "SOURCE.json"
PATH_PREFIX = "/videos"
#: schemas the tests use that no `/videos` operation references (OpenAI's generic error envelope)
EXTRA_REFS = {"openai": ["#/components/schemas/ErrorResponse"], "openrouter": []}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def trim(spec: dict[str, Any], path_prefix: str = PATH_PREFIX, extra: list[str] | None = None) -> dict[str, Any]:
    """The paths starting with `path_prefix` and the transitive closure of their `$ref`s."""
    paths = {p: item for p, item in spec["paths"].items() if p == path_prefix or p.startswith(path_prefix + "/")}
    if not paths:
        raise ValueError(f"no path starts with {path_prefix!r}")
    components: dict[str, dict[str, Any]] = {}
    pending = [*_refs(paths), *(extra or [])]
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)
        name = name.replace("~1", "/").replace("~0", "~")
        node = spec["components"][section][name]
        components.setdefault(section, {})[name] = node
        pending.extend(_refs(node))
    schemes = spec.get("components", {}).get("securitySchemes")
    if schemes:
        components["securitySchemes"] = schemes
    out = {k: spec[k] for k in ("openapi", "info", "servers", "security") if k in spec}
    out["paths"] = dict(sorted(paths.items()))
    out["components"] = {section: dict(sorted(items.items())) for section, items in sorted(components.items())}
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load_sources() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(SOURCES.read_text(encoding="utf-8"))
        return data
    except FileNotFoundError:
        return {}


def vendor(name: str, source: Path, *, repo: str, path: str, commit: str) -> Path:
    raw = source.read_bytes()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster on 3 MB
    spec = yaml.load(raw, Loader=loader)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise SystemExit(f"{source} is not an OpenAPI document")
    text = json.dumps(trim(spec, extra=EXTRA_REFS[name]), indent=1, sort_keys=False, default=str) + "\n"
    target = OUT / f"{name}-videos.json"
    OUT.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    sources = _load_sources()
    sources[name] = {
        "repository": repo,
        "path": path,
        "commit": commit,
        "upstream_sha256": _sha256(raw),
        "upstream_bytes": len(raw),
        "trimmed_to": f"paths {PATH_PREFIX}* + referenced components + {EXTRA_REFS[name] or 'nothing else'}",
        "file": target.name,
        "sha256": _sha256(text.encode()),
    }
    SOURCES.write_text(json.dumps(sources, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def check() -> list[str]:
    """Problems with the vendored files: missing, or changed since they were vendored."""
    problems = []
    sources = _load_sources()
    for name in EXTRA_REFS:
        entry = sources.get(name)
        if entry is None:
            problems.append(f"{name}: not recorded in {SOURCES.name}")
            continue
        target = OUT / entry["file"]
        if not target.is_file():
            problems.append(f"{name}: {target} is missing")
        elif _sha256(target.read_bytes()) != entry["sha256"]:
            problems.append(f"{name}: {target.name} changed since it was vendored (sha256 differs)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", choices=sorted(EXTRA_REFS))
    parser.add_argument("source", nargs="?", type=Path, help="the upstream OpenAPI YAML file")
    parser.add_argument("--repo", help="the repository the file comes from (owner/name)")
    parser.add_argument("--path", help="the file's path in that repository")
    parser.add_argument("--commit", help="the commit the file was taken at")
    parser.add_argument("--check", action="store_true", help="verify the vendored files against SOURCE.json")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        print("\n".join(problems) or "vendored specs match SOURCE.json")
        return 1 if problems else 0
    if not (args.name and args.source and args.repo and args.path and args.commit):
        parser.error("give NAME SOURCE --repo --path --commit (or --check)")
    target = vendor(args.name, args.source, repo=args.repo, path=args.path, commit=args.commit)
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
