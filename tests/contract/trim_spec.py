"""Prepare a vendored spec for Prism.

The specs are vendored already trimmed (`tools/vendor_specs.py`: the `/videos*` path items verbatim,
the `$ref` closure of `components`, the security settings), so Prism loads them in seconds rather
than the ~13 s OpenAI's full 3 MB spec takes. Request schemas are never rewritten, so a request
violation Prism reports against the copy is a violation against the original.

One thing *is* repaired, on the response side only: OpenRouter's `/videos/models` example does not
match its own schema (`VideoModelsListResponse` requires workspace fields such as `workspace_id`, and
the `VideoModel` example lacks the required, nullable `upscale_factor` and `creativity`). With
`--errors` Prism validates its own answer too and turns that into an HTTP 500 for a valid request.
`repair_openrouter_models_example` fixes exactly those two defects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def repair_openrouter_models_example(spec: dict[str, Any]) -> dict[str, Any]:
    """Make the `/videos/models` example valid against its schema (see the module docstring)."""
    schemas = spec.get("components", {}).get("schemas", {})
    listing, model = schemas.get("VideoModelsListResponse"), schemas.get("VideoModel")
    if not (isinstance(listing, dict) and isinstance(model, dict)):
        return spec  # not OpenRouter's spec
    listing["required"] = ["data"]
    required = model.get("required", [])
    operation = spec["paths"].get("/videos/models", {}).get("get", {})
    content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
    for example in (content.get("example"), listing.get("example")):
        for entry in (example or {}).get("data", []):
            for name in required:
                entry.setdefault(name, None)
    return spec


def write_repaired(source: Path, target: Path) -> Path:
    """Write the vendored (already trimmed) document, repaired, for Prism to load."""
    spec = json.loads(source.read_text(encoding="utf-8"))
    target.write_text(json.dumps(repair_openrouter_models_example(spec)), encoding="utf-8")
    return target
