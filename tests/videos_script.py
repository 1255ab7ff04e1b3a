"""An openai-python Sora script, as its users wrote it, to run against any backend.

Written from OpenAI's own Videos guide and `openai/resources/videos.py` (openai 3.57): only the line
that builds `client` differs from a script for `OpenAI()`. The tests run it on `local` and on the
OpenRouter mock and check what it returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def sora_script(client: Any, folder: Path, **params: Any) -> dict[str, Any]:
    video = client.videos.create(prompt="A calico cat playing a piano on stage", **params)
    print("Video generation started:", video.id, video.status)
    video = client.videos.poll(video.id, poll_interval_ms=50)
    if video.status == "failed":
        raise SystemExit(f"generation failed: {video.error}")
    again = client.videos.retrieve(video.id)
    content = client.videos.download_content(video.id, variant="video")
    content.write_to_file(folder / "video.mp4")

    second = client.videos.create_and_poll(prompt="A paper boat drifting down a rainy street", **params)
    first_page = client.videos.list(limit=1, order="desc")
    after = client.videos.list(after=first_page.last_id, limit=1) if first_page.has_next_page() else None
    every = [v.id for v in client.videos.list(limit=1)]  # iterating walks every page

    remix = client.videos.remix(video.id, prompt="Make it a jazz club at night")
    deleted = client.videos.delete(second.id)
    return {"video": video, "again": again, "bytes": content.read(), "second": second, "first_page": first_page,
            "after": after, "every": every, "remix": remix, "deleted": deleted}
