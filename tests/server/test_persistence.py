"""Jobs survive restarts: completed ones are still served, unfinished ones are rendered again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from .helpers import FAST, create, create_done, wait_for


def test_restart_serves_completed_jobs_and_requeues_unfinished(servers, client_for, tmp_path):
    data = tmp_path / "shared-data"
    first = servers.start(data_dir=data, generation_time=0)
    api = client_for(first)
    done = create_done(api, prompt="A windmill at golden hour")
    video_bytes = api.get(f"/videos/{done['id']}/content").content
    first.stop()

    # A slow server: its job is still unfinished when it stops ("dies").
    slow = servers.start(data_dir=data, generation_time=60)
    api = client_for(slow)
    pending = create(api, prompt="A windmill at night")
    wait_for(api, pending["id"], ("in_progress",))
    slow.stop()
    record = json.loads((data / "videos" / pending["id"] / "job.json").read_text())
    assert record["video"]["status"] == "in_progress"

    again = servers.start(data_dir=data, generation_time=0)
    api = client_for(again)
    kept = api.get(f"/videos/{done['id']}").json()
    assert kept == done
    assert api.get(f"/videos/{done['id']}/content").content == video_bytes
    resumed = wait_for(api, pending["id"])
    assert resumed["status"] == "completed" and resumed["prompt"] == "A windmill at night"
    assert api.get(f"/videos/{pending['id']}/content").status_code == 200
    assert [v["id"] for v in api.get("/videos").json()["data"]] == [pending["id"], done["id"]]


def test_two_servers_share_a_data_dir(servers, client_for, tmp_path):
    data = tmp_path / "both"
    one, two = servers.start(data_dir=data), servers.start(data_dir=data)
    api_one, api_two = client_for(one), client_for(two)
    video = create_done(api_one)
    assert api_two.get(f"/videos/{video['id']}").json()["status"] == "completed"
    assert api_two.get(f"/videos/{video['id']}/content").status_code == 200
    key = {"Idempotency-Key": "shared-key"}
    a = api_one.post("/videos", json=FAST | {"prompt": "once"}, headers=key).json()
    b = api_two.post("/videos", json=FAST | {"prompt": "once"}, headers=key).json()
    assert a["id"] == b["id"]
    wait_for(api_two, a["id"])


def test_a_job_of_a_dead_process_is_adopted(servers, client_for, tmp_path):
    """Another process creates a job and is killed mid-render; our server renders it."""
    data = tmp_path / "crash"
    script = textwrap.dedent(f"""
        import os, sys, time, httpx
        from sora_widgets.server import ServerConfig, start_server
        server = start_server(ServerConfig(data_dir={str(data)!r}, generation_time=60))
        video = httpx.post(server.base_url + "/videos", json={{"prompt": "crash test", "model": "animatic",
                           "size": "320x180", "seconds": "1"}}).json()
        while httpx.get(server.base_url + "/videos/" + video["id"]).json()["status"] != "in_progress":
            time.sleep(0.02)
        print(video["id"], flush=True)
        os._exit(9)  # no cleanup, like a crash
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 9, out.stderr
    video_id = out.stdout.strip()
    api = client_for(servers.start(data_dir=data))
    assert wait_for(api, video_id)["status"] == "completed"
