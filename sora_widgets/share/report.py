"""The `index.html` of an export: every clip with its prompt and settings, playable from file://.

No script and no external resource (fonts, CSS, JS): it must open from a folder on any machine,
offline, and survive being zipped, mailed or served by any static host. Links are relative
(`media/…`); with `inline=True` the media become data URLs (the single-file export).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d1d1f;
  background: #fafafa; }
h1 { font-size: 22px; margin: 0 0 4px; } .sub { color: #666; font-size: 13px; margin-bottom: 18px; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.clip { background: #fff; border: 1px solid #ddd; border-radius: 12px; padding: 10px 12px; width: 480px;
  box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.clip video { width: 100%; border-radius: 8px; background: #000; display: block; }
.prompt { font-size: 13.5px; line-height: 1.45; margin: 8px 0; white-space: pre-wrap; }
table { font-size: 12px; border-collapse: collapse; width: 100%; }
td { padding: 2px 6px 2px 0; vertical-align: top; overflow-wrap: anywhere; }
td:first-child { color: #666; white-space: nowrap; width: 7em; }
code { font-size: 11px; } a { color: #0b57d0; }
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _data_url(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()


def _rows(clip: dict[str, Any]) -> list[tuple[str, str]]:
    params = clip["parameters"]
    video = clip.get("video") or {}
    size = params.get("size") or " ".join(str(params[k]) for k in ("resolution", "aspect_ratio") if params.get(k))
    lineage = clip["lineage"]
    origin = "new" if not lineage["parent_id"] else f"{lineage['op']} of {lineage['parent_id']}"
    skip = {"model", "size", "seconds", "seed", "resolution", "aspect_ratio"}
    extra = ", ".join(f"{k}={v}" for k, v in params.items() if k not in skip)
    votes = clip["votes"]
    problems = ""
    if video.get("playable") is False:  # a server's file we copied as is: say why a player may balk
        problems = " · <b style='color:#b71c1c'>may not play everywhere</b>"
    return [
        ("model", f"{_esc(clip['model'])} <span style='color:#666'>({_esc(clip['backend'])})</span>"),
        ("size · length", f"{_esc(size)} · {_esc(params.get('seconds'))} s"),
        ("seed", _esc(clip["seed"] if clip["seed"] is not None else "—")),
        ("cost", f"${clip['cost']:.2f}"),
        ("made", _esc(clip["created"])),
        ("lineage", _esc(origin) + (f" · group {_esc(lineage['group'])}" if lineage.get("group") else "")),
        ("votes", _esc(len(votes)) if votes else "—"),
        ("quality", _quality(clip.get("quality"))),
        ("other", _esc(extra or "—")),
        ("file", f"<a href='{_esc(clip['file'])}' download>{_esc(Path(clip['file']).name)}</a> · "
                 f"{clip['bytes'] / 1e6:.1f} MB · {_esc(video.get('video_codec'))} "
                 f"{_esc(video.get('width'))}×{_esc(video.get('height'))}{problems}"),
        ("sha256", f"<code>{_esc(clip['sha256'])}</code>"),
    ]


def _quality(quality: dict[str, Any] | None) -> str:
    if quality is None:
        return "not checked"
    flags = quality["flags"]
    return "<b style='color:#b71c1c'>" + _esc(", ".join(flags)) + "</b>" if flags else "no flags"


def clip_card(clip: dict[str, Any], root: Path, inline: bool) -> str:
    src = _data_url(root / clip["file"], "video/mp4") if inline else clip["file"]
    poster = ""
    if clip.get("poster"):
        poster = _data_url(root / clip["poster"], "image/jpeg") if inline else clip["poster"]
    poster_attr = f' poster="{_esc(poster)}"' if poster else ""
    table = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in _rows(clip))
    return (f'<figure class="clip" id="{_esc(clip["id"])}" style="margin:0">'
            f'<video src="{_esc(src)}" controls loop muted playsinline preload="metadata"{poster_attr}>'
            f'<a href="{_esc(clip["file"])}">{_esc(clip["file"])}</a></video>'
            f'<figcaption><div class="prompt">{_esc(clip["prompt"])}</div><table>{table}</table></figcaption></figure>')


def render_index(manifest: dict[str, Any], root: Path, *, inline: bool = False) -> str:
    clips = manifest["clips"]
    cards = "\n".join(clip_card(c, root, inline) for c in clips)
    manifest_link = "" if inline else ' · <a href="manifest.json">manifest.json</a>'
    sub = (f"{len(clips)} clips · ${manifest['total_cost']:.2f} · exported {_esc(manifest['created'])} by "
           f"{_esc(manifest['generator'])}{manifest_link}")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(manifest['title'])}</title><style>{CSS}</style></head>\n"
            f"<body><h1>{_esc(manifest['title'])}</h1><div class=\"sub\">{sub}</div>\n"
            f'<main class="grid">\n{cards}\n</main></body></html>\n')
