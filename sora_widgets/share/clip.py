"""One clip as HTML that degrades well, wherever a saved notebook or a report is read.

    JupyterLab, Notebook 7, nbviewer      a <video> that plays the file next to the notebook
    media missing (HTML moved, VS Code)   the <video> reports an error and gives way to the preview
    GitHub (<video>, <script> stripped)   the preview image (animated when small) + caption + link
    terminals                             the caption (text/plain, from the caller)

How: the still (`a.sora-still > img`) follows the <video>. A scoped `<style>` hides a still that
directly follows a video, so only the player shows where video works; where a renderer removes the
<video> the rule no longer matches and the still shows. When the file cannot be loaded, the
video's `onerror` swaps the two (renderers that strip handlers also strip <video>, so they never
need it). No rule depends on script for the fallback itself.
"""

from __future__ import annotations

import html

STYLE = ("<style>.sora-clip video + a.sora-still{display:none}"
         ".sora-clip img{display:block;max-width:100%;height:auto;border-radius:6px;background:#000}"
         ".sora-clip video{display:block;max-width:100%;border-radius:6px;background:#000}</style>")
_SWAP = "this.style.display='none';this.nextElementSibling.style.display='block'"


def clip_html(src: str, *, caption: str, width: int, poster: str | None = None, preview: str | None = None,
              title: str = "", video: bool = True, style: bool = True) -> str:
    """A `<figure>` with a player, a still fallback, a caption and a link to the file.

    `src`: the file's URL (relative to the document); `poster`/`preview`: data URLs (the still's
    image is `preview` or else `poster`); `video=False` leaves out the player (link + still only).
    """
    esc = html.escape
    href = esc(src, quote=True)
    alt = esc(title or caption, quote=True)
    still_src = preview or poster
    parts = [f'<figure class="sora-clip" style="margin:0 8px 8px 0;display:inline-block;vertical-align:top;'
             f'max-width:{width}px">']
    if style:
        parts.append(STYLE)
    if video:
        # no poster attribute: the image travels once, as the still; browsers show the first frame
        parts.append(f'<video src="{href}" controls loop muted playsinline preload="metadata" width="{width}"'
                     f' onerror="{_SWAP}"></video>')
    if still_src:
        parts.append(f'<a class="sora-still" href="{href}" title="open the video file">'
                     f'<img src="{still_src}" alt="{alt}" width="{width}"></a>')
    text = f"{esc(caption)} · " if caption else ""
    parts.append(f'<figcaption style="font:12px monospace;color:#666;overflow-wrap:anywhere">{text}'
                 f'<a href="{href}">▶ video file</a></figcaption></figure>')
    return "".join(parts)
