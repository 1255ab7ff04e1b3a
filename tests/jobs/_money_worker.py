"""A process that submits paid jobs from several runners, threads and a plain client at once.

Run by tests/jobs/test_money_processes.py as `python -m tests.jobs._money_worker CONFIG_JSON`;
writes what was accepted and refused to the config's `result` file.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any


def main(config: dict[str, Any]) -> None:
    from sora_widgets import SoraClient
    from sora_widgets.config import Settings
    from sora_widgets.errors import BudgetExceededError
    from sora_widgets.jobs import JobRunner
    from sora_widgets.models import VideoRequest

    settings = Settings(_env_file=None, backend="openai", base_url=config["base_url"],  # type: ignore[call-arg]
                        api_key=config["key"], output_dir=config["out"], budget_total=config.get("budget_total"),
                        budget_session=config.get("budget_session"), poll_interval=0.05)
    runners = [JobRunner(settings) for _ in range(config["runners"])]
    client = SoraClient(settings=settings)
    accepted: list[Any] = []
    refused: list[str] = []
    lock = threading.Lock()

    def submit(n: int) -> None:
        req = VideoRequest(prompt=f"{config['tag']} kite {n}", model="sora-2", seconds=4, size="720x1280")
        time.sleep(max(0.0, config["go_at"] - time.time()))
        try:
            if n % (config["runners"] + 1) == config["runners"]:
                video = client.create(req)  # the plain client shares the folder's budget too
                item: Any = ("client", video.id)
            else:
                item = ("runner", runners[n % (config["runners"] + 1)].submit(req, background=True))
        except BudgetExceededError as exc:
            with lock:
                refused.append(str(exc))
            return
        with lock:
            accepted.append(item)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(config["submissions"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    finished = []
    for kind, item in accepted:
        if kind == "runner":
            finished.append(item.wait(60).status)
        else:
            finished.append(client.poll(item, timeout=60).status)
    with open(config["result"], "w") as fh:
        json.dump({"accepted": len(accepted), "refused": refused, "statuses": finished}, fh)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
