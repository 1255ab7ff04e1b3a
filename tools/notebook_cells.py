"""The text of the tutorial notebooks (built by build_notebooks.py). One notebook, one lesson."""

from __future__ import annotations

Cells = list[tuple[str, str]]

QUICKSTART: Cells = [
    ("md", """
# 01 · Quickstart: your first clip in a notebook

**sora_widgets** turns AI video generation into a notebook experience: `%%sora` magics, a widget
studio, and a typed client. The Sora API itself was switched off on 2026-09-24, but its wire format
(`POST /v1/videos` → poll → download) is spoken by self-hosted servers and gateways — so this toolkit
treats it as a *protocol*.

Everything here runs on the **`local` backend**: an embedded server inside the package that speaks
the same API and renders real MP4 previews ("animatics") offline. No key, no network, no cost.
Point `SORA_BACKEND` at a real server later (notebook 07) and the same cells generate real video.

Install (already done on Binder): `pip install sora_widgets`
"""),
    ("code", "%load_ext sora_widgets"),
    ("md", """
## `%%sora`: the cell body is the prompt

The first line holds options (`%sora help` lists them all). The `animatic` model of the local
backend is fast and takes any length from 1 to 20 seconds; `sora-2` and `sora-2-pro` emulate the
old Sora contract (4/8/12 s, fixed sizes). Models with sound take `--audio` (or `--no-audio`);
`--extras '{"camera_fixed": true}'` passes backend-specific fields through. The same options work
from a terminal: `python -m sora_widgets generate "a paper boat" -m animatic -s 2 -o clips/`.
"""),
    ("code", """
%%sora -m animatic -s 2 --size 640x360 --name boat
A paper boat drifts down a rain-soaked street at dusk, neon reflections on the water, slow tracking shot
"""),
    ("md", """
The output above is a player that references the saved file (`sora_outputs/…mp4`) by a relative
path, with a small poster image: the notebook stays a few kilobytes, never megabytes of base64.

## The result object

`--name boat` stored the result — a `GenerationResult` — in a variable (it is also the cell's value;
several variations come back as a `GenerationResults` list shown side by side). It carries the file,
the job as the server reported it, and the exact request that was sent.
"""),
    ("code", """
print(boat.path.name.startswith("video_"), boat.path.suffix)
print(boat.request.model, boat.request.seconds, boat.request.size)
print(boat.video.status, boat.video.progress)
"""),
    ("md", "The file is a real H.264 MP4 — check it with PyAV:"),
    ("code", """
from sora_widgets.media import probe

info = probe(boat.path)
print(info.size, f"{info.duration:.2f}s", f"{info.fps:g} fps", info.codec, info.pix_fmt)
"""),
    ("md", """
## Prompts can use your variables

`{name}` in the body is filled from the notebook's variables; unknown names stay as written.
"""),
    ("code", """
place = "a lighthouse on a cliff"
light = "golden hour"
"""),
    ("code", """
%%sora -m animatic -s 2 --size 640x360 --name lighthouse
{place} at {light}, waves crashing below, aerial shot slowly orbiting
"""),
    ("code", "print(lighthouse.request.prompt)"),
    ("md", """
## The same from Python

`SoraClient` has the method names you know from openai-python's `client.videos` (`create`,
`retrieve`, `list`, `download_content`, `remix`, …) plus `generate`, which creates, waits and
downloads in one call. `AsyncSoraClient` is its asyncio twin.
"""),
    ("code", """
from sora_widgets import SoraClient

with SoraClient() as client:
    result = client.generate("a red kite over a green hill, wide shot, soft morning light",
                             model="animatic", seconds=2, size="640x360")
print(result.video.status, probe(result.path).size)
"""),
    ("md", """
## Mistakes cost nothing

Requests are checked against what the backend's model supports *before* anything is sent, and every
error is one line that says what to do:
"""),
    ("code", """
%%sora -m sora-2 -s 5
a cat on a windowsill
"""),
    ("md", """
## When things go wrong

Every error is one line (what failed, why, what to do) and belongs to one tree, so code can catch
exactly what it means to:

| error | when |
|---|---|
| `SoraError` | the base of everything below |
| `ConfigurationError` | a missing key or URL, an unknown backend |
| `InvalidRequestError`, `UnsupportedFeatureError` | refused locally, before sending |
| `BudgetExceededError` | the job would go over your budget; nothing was sent |
| `APIConnectionError`, `APITimeoutError` | the server could not be reached, or took too long |
| `APIStatusError`: `BadRequestError` (400), `AuthenticationError` (401), `PaymentRequiredError` (402), `PermissionDeniedError` (403), `NotFoundError` (404), `ConflictError` (409), `UnprocessableEntityError` (422), `RateLimitError` (429), `InternalServerError` (5xx) | the server said no |
| `GenerationFailedError` | the job ended without a video (e.g. `moderation_blocked`); `.video.error` is a `VideoFailure` with the server's code |
| `PollTimeoutError` | you stopped waiting at the deadline; the job id is in the error, so you can resume |
| `DownloadError` | the video came back empty or was not an MP4 (nothing half-written is left) |
| `StorageDownloadError` | the server put the video in object storage (SGLang) and fetching it from there failed |

Ctrl-C while waiting raises `PollInterrupted` (with the job id): a `KeyboardInterrupt`, not an error,
so an `except Exception` in your code does not swallow it.
"""),
    ("code", """
from sora_widgets import (APIConnectionError, APIStatusError, ConfigurationError, InvalidRequestError,
                          PollTimeoutError, SoraError)

attempts = {
    "unknown id": lambda: SoraClient().retrieve("video_does_not_exist"),
    "no key for a remote backend": lambda: SoraClient(backend="openai").create(prompt="x"),
    "server not running": lambda: SoraClient(backend="openai", base_url="http://127.0.0.1:9/v1",
                                             api_key="k", max_retries=0).retrieve("x"),
    "bad size": lambda: SoraClient().create(prompt="x", size="999x999"),
    "waited too little": lambda: SoraClient().poll(SoraClient().create(prompt="slow", model="animatic", seconds=1,
                                                                       size="320x180").id, timeout=0.001),
}
for what, attempt in attempts.items():
    try:
        attempt()
    except SoraError as exc:
        kind = next(c.__name__ for c in (APIStatusError, ConfigurationError, APIConnectionError,
                                         InvalidRequestError, PollTimeoutError) if isinstance(exc, c))
        print(f"{what:>28} → {kind}")

# the job we stopped waiting for still runs, and the ledger remembers it: finish it now
# (`%sora resume`, a new `Studio()` or `sora_widgets.resume()` in a later session would too)
import sora_widgets
finished = sora_widgets.resume()
"""),
    ("md", """
## Settings for the session

`%sora config` shows the effective settings (keys masked); `%sora config seconds=2` sets a default
until the kernel restarts (`SORA_*` variables and a `.env` file set them for good). `%sora download ID`
fetches a finished video again; `%unload_ext sora_widgets` removes the magics (it calls
`sora_widgets.unload_ipython_extension`, as `%load_ext` calls `load_ipython_extension`).
"""),
    ("code", "%sora config model=animatic seconds=1 size=320x180"),
    ("code", """
%%sora
a short test clip that uses the session defaults, a spinning top, close-up
"""),
    ("code", """
# NBVAL_IGNORE_OUTPUT
%sora download {boat.id}
"""),
    ("code", """
%sora config model= seconds= size=
import sora_widgets
print(sora_widgets.__version__, sora_widgets.load_ipython_extension.__doc__.splitlines()[0])
"""),
    ("md", """
## Where to next

- `%sora models` — what the active backend offers; `%sora status`, `%sora list` — your jobs
- **02** the widget studio · **03** prompting with the composer and the linter · **04** image to video
  and iterative refinement · **05** storyboards · **06** batches, cost and budget · **07** real backends
  · **08** sharing: notebooks that show their videos everywhere, exported reports · **09** compare and judge
"""),
    ("code", "%sora models"),
]

STUDIO: Cells = [
    ("md", """
# 02 · The studio: compose, tune, generate, compare

`Studio()` is the whole workflow in one panel: a **prompt composer** that follows the guide's
structure (subject, action, setting, lighting, camera, style, palette/mood, audio, avoid) with
clickable keyword chips and templates; **parameters** that offer only what the chosen backend and
model support; and a **live card per job** with progress, ETA, Cancel, then an inline player and
follow-ups (remix, edit, extend, last frame → reference, copy as `%%sora`, delete).

Jobs run as asyncio tasks on the kernel's event loop: the notebook stays responsive while they render.

*The widgets need a live kernel; static viewers (nbviewer, GitHub) show a snapshot of each (notebook 08).*
"""),
    ("code", """
import os
os.environ["SORA_LOCAL_BLOCKED_WORDS"] = "forbidden"   # lets the local server rehearse a moderation failure

from sora_widgets import Studio
studio = Studio(backend="local", model="animatic")
studio
"""),
    ("md", """
Click a chip, type a subject, pick a duration and press **Generate**. Everything you can click is
also available from code — handy for reproducible notebooks and for tests:
"""),
    ("code", """
studio.composer.set_field("subject", "A paper boat")
studio.composer.set_field("action", "drifts down a rain-soaked street at dusk")
studio.composer.set_field("lighting", "neon glow")
studio.composer.set_field("movement", "slow tracking shot")
studio.parameters.seconds = 2
studio.parameters.size = "640x360"
print(studio.composer.value)
"""),
    ("md", "The composer lints as you type; each finding can come with a one-click fix:"),
    ("code", """
studio.composer.set_field("setting", "a city street, 6 seconds, 1080p")
for finding in studio.composer.findings:
    print(finding)
"""),
    ("code", """
studio.composer.set_field("setting", "")
studio.parameters.variations = 2
jobs = studio.generate()
print(len(jobs), "jobs started; the kernel is free while they run")
"""),
    ("code", """
states = await studio.wait_async()
for state in states:
    print(state.label, state.status, state.request.seed)
"""),
    ("md", """
## Parameters follow the backend

Choosing a model changes what the controls offer: `sora-2` only takes 4, 8 or 12 seconds and two
sizes, so nothing else can even be selected.
"""),
    ("code", """
params = studio.parameters
params.set_model("sora-2")
print("seconds offered:", params.capabilities.durations, "→ now", params.seconds)
print("sizes offered:", params.capabilities.sizes, "→ now", params.size)
params.set_model("animatic")
"""),
    ("md", "## Failures are one clear line, details on demand"),
    ("code", """
failed = studio.generate("a forbidden door opens slowly, static shot")
state = (await studio.wait_async())[-1]
print(state.status, "—", state.error_code)
"""),
    ("md", """
## The pieces on their own

`Composer`, `Parameters`, `JobCard` and `Player` work on their own too; `%%sora --no-wait` shows the
same job card as the studio.
"""),
    ("code", """
from sora_widgets import Composer
composer = Composer("A lone lighthouse keeper climbs the spiral stairs, warm candlelight, close-up, slow tilt up")
for field in ("subject", "action", "lighting", "shot", "movement"):
    print(f"{field:>9}: {getattr(composer.prompt, field)}")
"""),
    ("code", "%load_ext sora_widgets"),
    ("code", """
%%sora --no-wait -m animatic -s 1 --size 640x360 --name pending
a hot air balloon drifting over mountains at sunrise, aerial shot
"""),
    ("code", """
done = await pending
print(done.status)
"""),
    ("md", "`%sora cancel ID` stops a job; `%sora status` lists this session's jobs:"),
    ("code", """
%%sora --no-wait -m animatic -s 20 --size 1280x720 --name long_one
a very long slow pan across a desert, wide shot
"""),
    ("code", "%sora cancel {long_one.key}"),
    ("code", """
import asyncio
await asyncio.sleep(0.5)
print(long_one.state.status)
"""),
    ("md", "`%sora studio` and `%sora gallery` open the same panels as `Studio()` and `Gallery()`:"),
    ("code", "%sora studio"),
    ("md", """
## The gallery

Everything generated in this folder (from the job ledger and the output files): filter by text or
model, open one in the player, or compare several side by side.
"""),
    ("code", """
# NBVAL_IGNORE_OUTPUT
from sora_widgets import Gallery
gallery = Gallery()
print(len(gallery.items) > 0)
gallery
"""),
    ("code", "# NBVAL_IGNORE_OUTPUT\n%sora gallery"),
]

PROMPTING: Cells = [
    ("md", """
# 03 · Prompting: structure, vocabulary and a linter

The prompting guide this toolkit grew from recommends a structure:

    [Subject Description] + [Action/Scene] + [Style/Technical Details] + [Camera Instructions]

`sora_widgets.prompt` turns that advice into tools: a structured `Prompt`, the guide's templates and
visual keywords, and a **linter** that catches the guide's "common pitfalls" before you pay for a
generation.
"""),
    ("code", """
from sora_widgets.prompt import Prompt, lint, format_findings, apply_fixes, GUIDE_TEMPLATES, VOCABULARY
from sora_widgets.jobs import default_runner

sora2 = default_runner().capabilities.model("sora-2")
"""),
    ("md", "## A structured prompt renders in the guide's order"),
    ("code", """
p = Prompt(
    subject="A young woman with long flowing hair wearing a red dress",
    action="walks through a sunlit forest",
    lighting="golden hour lighting filtering through ancient trees",
    style="cinematic style reminiscent of Studio Ghibli",
    movement="smooth camera pan following her movement",
)
print(p.render())
"""),
    ("md", "Free text parses back into fields where it can:"),
    ("code", """
q = Prompt.parse("A lone astronaut walks across red dunes at dusk, neon glow on the visor, wide shot, slow dolly in")
for field in ("subject", "action", "lighting", "shot", "movement"):
    print(f"{field:>9}: {getattr(q, field)}")
"""),
    ("md", "## The guide's visual keywords (the composer's chips)"),
    ("code", """
for category, words in VOCABULARY.items():
    print(f"{category:>10}: {', '.join(words[:8])}{' …' if len(words) > 8 else ''}")
"""),
    ("md", """
## Linting the guide's own examples

Prose such as "6 seconds, 1080p" does not set the duration or size — the request does. The linter
says so, and its fix moves the values into the request, snapped to what the model offers:
"""),
    ("code", """
guide_examples = {
    "basic scene": "A fluffy golden retriever puppy playing in a sunny meadow, bright green grass, blue sky "
                   "with white clouds, playful energy, close-up shots, 6 seconds, 1080p",
    "cinematic scene": "Epic mountain landscape at sunset, mist rolling through valleys, dramatic orange and "
                       "purple sky, cinematic wide shot, slow camera movement revealing the vista, professional "
                       "photography, 8 seconds, 1080p, 24fps",
}
for name, text in guide_examples.items():
    print(f"== {name}")
    print(format_findings(lint(text, capabilities=sora2)))
"""),
    ("md", "The guide's examples also ship as structured templates (the composer's template picker):"),
    ("code", """
for name, template in GUIDE_TEMPLATES.items():
    print(f"{name:>20}: {template.params}  {template.prompt.render()[:60]}…")
"""),
    ("code", """
basic = guide_examples["basic scene"]
fixed_text, fixed_request = apply_fixes(basic, capabilities=sora2)
print(fixed_text)
print("seconds:", fixed_request.seconds)
print(format_findings(lint(fixed_text, fixed_request, capabilities=sora2)))
"""),
    ("md", """
## The other pitfalls

Overly complex scenes, ambiguous positions, contradictions, negations that belong in the "avoid"
field, missing camera or lighting. For complexity, plurals, counts and groups are subjects too:
"five children" is five, "a marching band" is several.
"""),
    ("code", """
for text in [
    "A dog next to a bicycle in a park, sunny afternoon, wide shot",
    "A city street at noon under a starry night sky, time-lapse in slow motion, static camera",
    "A quiet beach with no people and no boats, golden hour, slow pan",
    "Five children, three dogs, a marching band and fireworks race through a crowded market, drone shot",
]:
    print(">", text)
    print(format_findings(lint(text, capabilities=sora2)), "\\n")
"""),
    ("md", "## In the magics: `%sora lint` and `%%sora --dry-run`"),
    ("code", "%load_ext sora_widgets"),
    ("code", "%sora lint Epic mountain landscape at sunset, mist rolling through valleys, 8 seconds, 1080p, 24fps"),
    ("md", "`--dry-run` shows the exact request, the lint findings and the cost — and sends nothing:"),
    ("code", """
%%sora --dry-run -m animatic -s 2 --size 640x360
A fluffy golden retriever puppy playing in a sunny meadow, close-up shot, natural daylight
"""),
]

IMAGE_TO_VIDEO: Cells = [
    ("md", """
# 04 · Image to video and iterative refinement

The guide: *start with reference images for consistency; start broad, then refine; generate
variations; use successful generations as the reference for the next.* Here is each step.
"""),
    ("code", """
%load_ext sora_widgets
from PIL import Image, ImageDraw
from sora_widgets.media import probe, first_frame, last_frame
import numpy as np

def diff(a, b):
    return float(np.abs(np.asarray(a.convert("RGB"), float) - np.asarray(b.convert("RGB").resize(a.size), float)).mean())
"""),
    ("md", """
## A reference image becomes the first frame

Servers reject a reference whose pixel size differs from the video's (`Inpaint image must match the
requested width and height`). The toolkit fits it for you: `--fit cover` (default) crops,
`contain` pads, `none` sends it as is.
"""),
    ("code", """
ref = Image.new("RGB", (800, 600), (40, 60, 120))
d = ImageDraw.Draw(ref)
d.rectangle([0, 380, 800, 600], fill=(30, 110, 60))
d.ellipse([520, 90, 680, 250], fill=(250, 200, 80))
ref.size
"""),
    ("code", """
%%sora -m animatic -s 2 --size 640x360 --ref {ref} --name hill
a sunny hill at noon, slow zoom in
"""),
    ("code", """
from sora_widgets.media import fit_image
print("first frame vs fitted reference, mean abs difference:", round(diff(first_frame(hill.path), fit_image(ref, (640, 360))), 1))
"""),
    ("md", """
`--aspect 9:16` picks the model's size with that shape; `--avoid` is the negative prompt (where the
model takes one); `--backend` runs one cell on another backend or profile:
"""),
    ("code", """
%%sora --backend local -m animatic -s 1 --aspect 9:16 --avoid "people, text" --name portrait
a tall waterfall in a jungle, slow tilt down
"""),
    ("code", "print(portrait.request.size, '|', portrait.request.negative_prompt)"),
    ("md", """
## Variations with different parameters

`-n 2` makes two versions with different seeds, side by side:
"""),
    ("code", """
%%sora -m animatic -s 2 --size 640x360 -n 2 --seed 7 --name takes
a hot air balloon over a desert at sunrise, aerial shot
"""),
    ("code", "[t.request.seed for t in takes]"),
    ("md", """
## Remix, edit, extend

A **remix** keeps the source's look (its seed) with a new prompt; an **edit** re-renders the source
with a change; an **extension** continues from the source's last frame, and the result holds both
parts (its length is the total). Follow-ups keep the source's model unless you pass `-m`.
"""),
    ("code", """
%%sora --remix {hill.id} --name hill_night
the same hill at night under a full moon, slow zoom in
"""),
    ("code", """
%%sora --edit {hill.id} --name hill_snow
the same hill covered in snow, slow zoom in
"""),
    ("code", """
%%sora --extend {hill.id} -s 2 --name hill_longer
the camera keeps rising above the hill into the clouds
"""),
    ("code", """
print("source:", round(probe(hill.path).duration, 2), "s; extended:", round(probe(hill_longer.path).duration, 2), "s")
"""),
    ("md", """
## A successful shot as the next reference

Take the last frame of a clip you like and feed it to the next prompt: the new clip starts exactly
where the old one ended.
"""),
    ("code", "frame = last_frame(hill.path)"),
    ("code", """
%%sora -m animatic -s 2 --size 640x360 --ref {frame} --name next_shot
a flock of birds lifts off from the hill, tracking shot
"""),
    ("code", "print(round(diff(frame, first_frame(next_shot.path)), 1))"),
]

STORYBOARD: Cells = [
    ("md", """
# 05 · Storyboards: several shots, one film

The guide's storyboarding approach: break the story into shots (establishing shot, character
introduction, action, closing), keep characters and style consistent, get one finished video.

A **bible** holds what every shot shares (characters with fixed descriptions, style, palette); each
shot says how it joins the previous one: `independent`, `chain` (the previous shot's last frame
becomes this shot's reference) or `extend` (the backend's extension endpoint).
"""),
    ("code", """
from sora_widgets.storyboard import Storyboard
from sora_widgets.prompt import format_findings
from sora_widgets.media import probe

board = Storyboard.parse('''
title: Harbour morning
model: animatic
size: 640x360
seconds: 2
continuity: chain
character Mara: a tall woman in a yellow raincoat
style: hand-drawn animation
palette: teal, amber, cream
---
[independent] Wide establishing shot of a small harbour at dawn, boats rocking, soft light
---
Mara walks along the pier, tracking shot
---
Close-up: Mara looks up at the gulls, slow tilt up
''')
print(board.summary())
"""),
    ("md", "The bible is woven into every prompt, so the character is described the same way each time:"),
    ("code", """
for i, text in enumerate(board.prompts(), 1):
    print(i, text)
"""),
    ("md", "The linter checks names across shots (\"Maria\" in shot 3 would be flagged):"),
    ("code", "print(format_findings(board.lint()))"),
    ("md", """
## Run, then stitch

Independent shots run at the same time; chained ones in order. Every shot is a job in the ledger:
re-running after a kernel restart keeps every finished shot.
"""),
    ("code", """
for status in board.run():
    print(status.line())
"""),
    ("code", """
film = board.stitch()
print(film)
info = probe(film.path)
print(info.size, f"{info.duration:.2f}s")
"""),
    ("md", """
Regenerate one shot without redoing the others: shots are numbered as every line prints them, so
`regenerate(2)` is shot 2. The new take has a new seed, so it really differs; shot 3 was chained
from the old take, so it is flagged `stale`. Stitch again with a crossfade of 6 frames (0.25 s at
24 fps); the crossfade film gets its own file name.
"""),
    ("code", """
for status in board.regenerate(2):
    print(status.line())
print(board.stitch(crossfade=6))
"""),
    ("md", "Shot 3 still starts from the old take's last frame; `run(cascade=True)` re-chains it from the new one:"),
    ("code", """
for status in board.run(cascade=True):
    print(status.line())
"""),
    ("md", "## The same as a cell: `%%sora --storyboard`"),
    ("code", "%load_ext sora_widgets"),
    ("code", """
%%sora --storyboard
model: animatic
size: 640x360
seconds: 2
character Kit: a small orange robot with one green eye
---
Kit rolls out of a workshop door into the morning sun, wide shot
---
[chain] Kit spots a butterfly and follows it, tracking shot
"""),
]

BATCH: Cells = [
    ("md", """
# 06 · Batches, cost and budget

Generations cost real money and take minutes. This notebook shows the three things that keep that
under control: **batches** with bounded concurrency, the **ledger** that never loses a paid job, and
the **budget guard** that refuses a submit before anything is sent.
"""),
    ("code", """
%load_ext sora_widgets
from sora_widgets import VideoRequest
from sora_widgets.jobs import default_runner

runner = default_runner()
base = VideoRequest(prompt="a paper lantern floating over a dark lake, slow pan", model="animatic", size="640x360")
"""),
    ("md", "## A/B grid: every combination of some parameters"),
    ("code", """
grid = runner.grid(base, seconds=[1, 2], prompt=[base.prompt, base.prompt.replace("dark lake", "misty river")])
for label, request in grid:
    print(label[:70])
"""),
    ("md", """
`submit_many` validates and budgets the whole batch before sending anything, then runs it with
bounded concurrency (`SORA_CONCURRENCY`, default 4). `BatchPanel` shows its progress in one panel —
an overall bar with counts, and a card per job:
"""),
    ("code", """
from sora_widgets import BatchPanel

jobs = runner.submit_many([r for _, r in grid], labels=[label for label, _ in grid])
panel = BatchPanel(jobs, runner, title="A/B grid")
panel
"""),
    ("code", """
states = [await job for job in jobs]
print(panel.summary())
"""),
    ("md", """
## The ledger

Every job is in a SQLite file beside your outputs (`sora_outputs/ledger.sqlite`): the intent is
written *before* the request is sent, then the id, every status change, the file and its sha256.
After a kernel restart, `%sora resume` re-attaches unfinished jobs and downloads finished ones.
"""),
    ("code", """
row = runner.ledger.get(states[0].key)
import os
for column in ("status", "video_id", "model", "op", "estimated_cost", "path", "sha256"):
    value = os.path.relpath(row[column]) if column == "path" else str(row[column])
    print(f"{column:>15}: {value[:40]}")
"""),
    ("code", "%sora resume"),
    ("md", """
## Cost: an estimate before every submit

The local backend is free. To see prices without spending anything, start a second embedded server
and talk to it with the **`openai` dialect**, which carries OpenAI's published Sora prices
(sora-2 $0.10/s, sora-2-pro $0.30–0.50/s):
"""),
    ("code", """
import tempfile
from pathlib import Path
from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import start_server

pretend = start_server(ServerConfig(data_dir=Path(tempfile.mkdtemp()), api_key="demo", generation_time=0))
priced = JobRunner(Settings(backend="openai", base_url=pretend.base_url, api_key="demo", budget_session=1.00))
for model, size, seconds in [("sora-2", "1280x720", 4), ("sora-2-pro", "1280x720", 8), ("sora-2-pro", "1792x1024", 12)]:
    _, cost = priced.prepare(VideoRequest(prompt="x", model=model, size=size, seconds=seconds))
    print(f"{model:>10} {size} {seconds:>2}s  ${cost:.2f}")
"""),
    ("md", "## The budget guard refuses before sending"),
    ("code", """
from sora_widgets import BudgetExceededError

first = priced.run(VideoRequest(prompt="a lighthouse in fog, slow zoom", seconds=8, size="1280x720"))
print(first.status, f"${first.cost:.2f}")
try:
    priced.submit(VideoRequest(prompt="one more", seconds=4, size="1280x720"))
except BudgetExceededError as exc:
    print(exc)
"""),
    ("md", """
The budget is one for the whole kernel and the whole output folder: every runner, thread, process and
plain `SoraClient` script reserves in the same ledger, so a script is refused like the Studio.
"""),
    ("code", """
from sora_widgets import SoraClient

with SoraClient(settings=priced.settings) as script:
    try:
        script.create(prompt="a script's clip", seconds="4", size="1280x720")
    except BudgetExceededError as exc:
        print(exc)
"""),
    ("md", "`%sora cost` reports spend by day, backend and model (the default runner's ledger):"),
    ("code", "# NBVAL_IGNORE_OUTPUT\n%sora cost"),
    ("code", "pretend.stop()"),
    ("md", """
## Quality signals: which takes to watch first

Twenty variations are twenty clips to watch. Generated video fails in recognisable ways, and none of
them needs a neural network to spot: `signals(clip)` decodes a clip once, at reduced resolution, and
returns a `Signals` object — `.flags` (codes) and `.metrics` (the numbers behind them). A clip is a
path or a result; a result says what was asked (seconds, size, audio), so "too short" is caught too.
Each code, with the one-line explanation that job cards and the gallery show on hover:
"""),
    ("code", """
from sora_widgets import Signals, signals
from sora_widgets.quality import CODES

for code, meaning in CODES.items():
    print(f"{code:>10}  {meaning}")
"""),
    ("md", """
The embedded server renders known defects on request — a marker in the prompt such as
`[defect: frozen]` (also `black`, `flicker`, `short`), for tests and for this tutorial. A real
server has no such switch. One take of each:
"""),
    ("code", """
broken = ["frozen", "black", "flicker", "short"]
takes = runner.submit_many([base.with_(prompt=f"{base.prompt} [defect: {d}]", seconds=2) for d in broken],
                           labels=broken)
take_states = [await job for job in takes]
for name, state in zip(broken, take_states):
    print(f"{name:>8} -> {sorted(signals(state).flags)}")
"""),
    ("md", "The result is displayable: badges with the explanation on hover, and the measurements:"),
    ("code", "signals(take_states[0])"),
    ("md", """
Size, frame rate and audio are judged against what was asked (a request has no frame-rate field, so
pass `fps=` yourself); a file a browser cannot play (here re-encoded as 4:4:4 with PyAV) is
`unplayable`:
"""),
    ("code", """
import av

clean = states[0]
for asked in ({"size": "1280x720"}, {"fps": 30}, {"audio": True}):
    print(asked, "->", sorted(signals(clean, **asked).flags))

odd = Path("sora_outputs/yuv444_copy.mp4")
with av.open(str(clean.path)) as src, av.open(str(odd), "w") as dst:
    stream = dst.add_stream("libx264", rate=24)
    stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv444p"
    for frame in src.decode(video=0):
        frame.pts = None
        for packet in stream.encode(frame.reformat(format="yuv444p")):
            dst.mux(packet)
    for packet in stream.encode(None):
        dst.mux(packet)
print("yuv444p copy ->", sorted(signals(odd).flags))
"""),
    ("md", """
Across a set, `signals.batch(clips)` adds `duplicate` where two takes' sampled frames hash almost the
same — here the same request run twice (the local server derives the same seed from it):
"""),
    ("code", """
again = runner.run(grid[0][1])
for s in signals.batch([states[0], again, states[1]]):
    print(sorted(s.flags))
"""),
    ("md", """
Across a storyboard, `signals.seams(shots)` measures the cut where consecutive shots meet against the
largest change inside them. A shot chained from the previous shot's last frame continues smoothly; a
different scene is a jump (`Storyboard.seams()` and the storyboard widget flag it where continuity was
asked for):
"""),
    ("code", """
from sora_widgets.media import last_frame

chained = runner.run(base.with_(prompt="the lantern drifts toward the shore, slow pan", seconds=1,
                                input_reference=last_frame(states[0].path)))
elsewhere = runner.run(base.with_(prompt="a neon city street at night in the rain, static shot", seconds=1))
for seam in signals.seams([states[0], chained, elsewhere]):
    print(f"shot {seam.index} -> {seam.index + 1}:", "seam" if seam.flagged else "smooth")
"""),
    ("md", """
Signals are computed in the background after every download and stored in the ledger with the job:
job cards show a badge row, the Gallery has a **hide flagged** filter, `%sora list` has a signals
column, and `%sora check [ID ...|--last N]` lists them with each raised code explained (duplicates
across the checked set included; `{name}` fills in a variable). Every threshold, with the reason for its
value, is in `sora_widgets.quality.THRESHOLDS`.
"""),
    ("code", """
ids = " ".join(state.video_id for state in [*take_states, states[0], again])
%sora check {ids}
"""),
]

BACKENDS: Cells = [
    ("md", """
# 07 · Backends: OpenRouter and self-hosted `/v1/videos` servers

The Sora API is gone, but its protocol is not. The same notebook code talks to:

- **`local`** — the embedded offline server (the default everywhere in these tutorials);
- **OpenAI-compatible servers** in four dialects — `openai` (the frozen Sora contract), `vllm-omni`,
  `sglang` (also FastVideo) and `litellm` (a gateway);
- **`openrouter`** — OpenRouter's video API, whose model catalog says what each model supports and
  what it costs.

What a backend cannot do (remix on OpenRouter, extend on SGLang, …) is refused *before* sending,
naming the backends that can. This notebook runs entirely offline unless `OPENROUTER_API_KEY` is set.
"""),
    ("code", """
from sora_widgets.backends.describe import backends_table, capability_table, dialect_table
print(backends_table())
"""),
    ("md", """
## What each server really does

The dialects were read from each server's source, and the client acts on the same table this cell
prints (the README shows it too):

- **variants** — only vLLM-Omni's, SGLang's and LiteLLM's MP4 exists there. SGLang reads `variant` as an
  output *index*, LiteLLM's proxy drops it and answers the MP4 anyway; so a thumbnail request is refused
  before sending, and every download is checked (an MP4 must start with an `ftyp` box, a thumbnail must be
  an image) so wrong bytes are never saved under a name.
- **delete** — vLLM-Omni aborts the render; SGLang and FastVideo only forget the record while the GPU keeps
  rendering (`client.delete()` answers `stopped=False` there, never a false "stopped"); LiteLLM has no
  delete and, for a self-hosted upstream, no list.
- **failed jobs** — vLLM-Omni answers a failed job's poll with an HTTP error status *and* the Video (an
  integer `error.code`); the client reads it as a `failed` job with its message, not as an error to retry.
- **model names** — the compatible servers list what they serve at `GET /v1/models`; the widgets offer
  those names, and a name vLLM-Omni does not serve (it would answer "Model mismatch") is refused first.
"""),
    ("code", """
from IPython.display import Markdown
Markdown(dialect_table(markdown=True))
"""),
    ("md", """
## Choosing a backend

Set `SORA_BACKEND` (and `SORA_BASE_URL`, `SORA_API_KEY`) in the environment or a `.env` file, or name a
**profile** in `profiles.toml` in the config folder. A profile bundles a kind, a URL, the variable
that holds its key, and defaults:
"""),
    ("code", """
import os, tempfile, pathlib
from sora_widgets.config import config_dir

os.environ["SORA_CONFIG_DIR"] = tempfile.mkdtemp()   # a scratch config folder for this tutorial
PROFILES = '''
[profiles.wan-box]
kind = "vllm-omni"
base_url = "http://gpu-box:8091/v1"
model = "Wan-AI/Wan2.2-T2V-A14B-Diffusers"

[profiles.gateway]
kind = "litellm"
base_url = "http://litellm.internal:4000/v1"
key_env = "MY_GATEWAY_KEY"
'''
(config_dir() / "profiles.toml").write_text(PROFILES)
print(backends_table())
"""),
    ("md", """
## A real server on your machine

Any `/v1/videos` server works the same way. Here the embedded server runs standalone (as
`python -m sora_widgets serve` would) and a client talks to it through the `openai` dialect — exactly
what you would do with a vLLM-Omni or SGLang box, with its URL instead:
"""),
    ("code", """
from sora_widgets import SoraClient
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import start_server

server = start_server(ServerConfig(data_dir=pathlib.Path(tempfile.mkdtemp()), api_key="devkey", generation_time=0))
with SoraClient(backend="openai", base_url=server.base_url, api_key="devkey", output_dir="sora_outputs") as client:
    result = client.generate("a windmill on a hill, slow pan, golden hour", model="sora-2", seconds=4, size="1280x720")
    print(result.video.status, result.video.size, f"${result.cost:.2f} at OpenAI's old prices")
server.stop()
"""),
    ("md", """
## Capabilities drive everything

A `BackendCapabilities` holds one `ModelCapabilities` per model. Each backend declares, per model, the durations, sizes, resolutions, aspect ratios, reference frames,
audio, seed, negative prompt and follow-up operations it supports, and its prices. Validation, the
studio's controls and the magics' errors all read the same table:
"""),
    ("code", """
from sora_widgets.backends import make_backend
print(capability_table(make_backend("local").capabilities))
"""),
    ("md", """
## OpenRouter

OpenRouter's `GET /videos/models` lists each model's supported durations, resolutions, aspect ratios,
frame images, audio and seed, plus pricing SKUs. With `OPENROUTER_API_KEY` set, this cell reads the
live catalog; without it, a small sample shaped like that response:
"""),
    ("code", """
from sora_widgets.backends.openrouter_catalog import parse_catalog

SAMPLE = {"data": [
    {"id": "google/veo-3.1", "name": "Veo 3.1", "supported_durations": [4, 6, 8],
     "supported_resolutions": ["720p", "1080p"], "supported_aspect_ratios": ["16:9", "9:16"],
     "supported_frame_images": ["first_frame", "last_frame"], "generate_audio": True, "seed": True,
     "pricing_skus": {"per-video-second": "0.40", "per-video-second-1080p": "0.60"}},
    {"id": "alibaba/wan-2.6", "name": "Wan 2.6", "supported_durations": [5, 10],
     "supported_resolutions": ["480p", "720p"], "supported_aspect_ratios": ["16:9", "9:16", "1:1"],
     "supported_frame_images": ["first_frame"], "generate_audio": False, "seed": True,
     "pricing_skus": {"duration_seconds_720p": "0.04"}},
]}

if os.environ.get("OPENROUTER_API_KEY"):
    caps = SoraClient(backend="openrouter").models()
else:
    caps = parse_catalog(SAMPLE)
print(capability_table(caps))
"""),
    ("md", """
A value the model does not offer is refused locally, listing what it does offer. (In a cell:
`%%sora --backend openrouter -m alibaba/wan-2.6 -s 5 --resolution 720p --aspect 16:9`.)
"""),
    ("code", """
from sora_widgets import VideoRequest
from sora_widgets.capabilities import resolve, estimate_cost

try:
    resolve(VideoRequest(prompt="a fox in the snow", model="alibaba/wan-2.6", seconds=6), caps)
except ValueError as exc:
    print(exc)
ok = resolve(VideoRequest(prompt="a fox in the snow", model="alibaba/wan-2.6", seconds=5, resolution="720p",
                          aspect_ratio="16:9"), caps)
print(ok.seconds, ok.resolution, ok.aspect_ratio, f"estimated ${estimate_cost(ok, caps):.2f}")
"""),
    ("md", """
Prices come from the catalog's SKUs, per resolution: a 1080p job is estimated at the 1080p SKU. The
estimate is what a budget reserves; when the job completes, OpenRouter's `usage.cost` becomes its actual
cost in the ledger, on the card and in `%sora cost`, and the budget keeps that instead of the estimate.
"""),
    ("code", """
if not os.environ.get("OPENROUTER_API_KEY"):
    for resolution in ("720p", "1080p"):
        veo = resolve(VideoRequest(prompt="a fox", model="google/veo-3.1", seconds=8, resolution=resolution), caps)
        print(resolution, f"${estimate_cost(veo, caps):.2f}")
"""),
    ("md", "And a feature the backend lacks is refused before anything is sent:"),
    ("code", """
try:
    SoraClient(backend="openrouter", api_key="not-used").remix("some-video-id", "at night")
except ValueError as exc:
    print(exc)
"""),
]

SHARING: Cells = [
    ("md", """
# 08 · Sharing: notebooks that show their videos everywhere, and reports that open anywhere

A notebook is read in many places. Each output of this toolkit carries several representations,
and every reader picks the best one it can show:

| where | what it shows |
|---|---|
| JupyterLab, Notebook 7 | the live widgets; `%%sora` clips play from `sora_outputs/` |
| VS Code | the live widgets (it ships the widget renderer), and each clip in a widget player, since its webview cannot load `sora_outputs/`; saved, the preview and a link |
| nbviewer, `jupyter nbconvert --to html` | a static snapshot of each widget (posters, prompt, parameters, status, cost); clips play when `sora_outputs/` is published beside the notebook, else their preview shows |
| GitHub (no `<video>`, no scripts) | the same snapshots and previews as images, with captions and links to the files |
| a terminal, nbval | one line of text per output |

The notebook itself stays small: posters are a few kilobytes, videos are never embedded.
"""),
    ("code", "%load_ext sora_widgets"),
    ("code", """
%%sora -m animatic -s 2 --size 640x360 --name clip
A paper boat drifts down a rain-soaked street at dusk, neon reflections on the water, slow tracking shot
"""),
    ("md", """
## What a clip's output carries

`text/plain` for terminals, and `text/html` with a `<video>` that references the file plus a still
that shows where `<video>` is removed or the file is missing: a small looping preview (animated WebP)
when it fits a byte budget, else a JPEG poster, with a caption and a link to the MP4.
"""),
    ("code", """
data, metadata = clip._repr_mimebundle_()
print(sorted(data))
print(data["text/plain"].split(" · ")[1:4])
print("<video" in data["text/html"], "sora-still" in data["text/html"], len(data["text/html"]) < 40_000)
"""),
    ("md", """
## Widgets carry a snapshot

Each widget's output also holds `text/html`: a still of what you see. Without the widget state
(JupyterLab does not save it unless you ask: *Settings → Save Widget State Automatically*), nbconvert,
nbviewer and GitHub show that snapshot instead of "Loading widgets…". After each cell you run, the
saved output of every widget that changed is updated, so the notebook keeps what you last saw.
"""),
    ("code", """
from sora_widgets import Studio

studio = Studio(model="animatic")
studio
"""),
    ("code", """
studio.parameters.seconds = 1
studio.parameters.size = "640x360"
jobs = studio.generate("a lighthouse in a storm, aerial shot")
await studio.wait_async()
print([job.state.status for job in jobs])
"""),
    ("md", """
The Studio's output two cells up now shows this job with its poster. Saving without widget state
keeps the notebook light (one Studio's state is hundreds of kilobytes); the README's benchmark has
the numbers for a notebook with ten clips and a Studio.

## Playable everywhere

The MP4s the local server renders, downloads and stitched films are H.264 in yuv420p with the `moov`
box first ("faststart"), with AAC or no audio: what browsers and VS Code's renderer play.
`sora_widgets.share.inspect` checks a file:
"""),
    ("code", """
from sora_widgets.share import inspect

report = inspect(clip.path)
print(report.video_codec, report.pix_fmt, report.audio_codec, report.faststart, report.playable)
"""),
    ("md", """
## Hand someone the results: `export`

`export(path, ...)` (or `%sora export PATH`) writes a folder — `index.html`, `media/` and
`manifest.json` — that opens from any location in any browser, with no server: zip it, mail it, put
it on a USB stick or any static host. Select with `last=N`, `group=` (a batch or storyboard),
`query=` (text in the prompt) or `ids=`. The Gallery and Storyboard widgets have an **Export** button.
"""),
    ("code", """
from sora_widgets import export

report = export("sora_exports/tutorial", last=2, title="Sharing tutorial", overwrite=True)
print(len(report.clips), sorted(p.name for p in report.path.iterdir()))
print(report.clips[0]["prompt"])
"""),
    ("md", """
`manifest.json` records, per clip, the prompt, parameters, model, seed, cost, sha256, votes and lineage
(what it was remixed or extended from), and follows a JSON schema shipped with the package:
"""),
    ("code", """
import json
import jsonschema
from sora_widgets.share import schema

manifest = json.loads((report.path / "manifest.json").read_text())
jsonschema.validate(manifest, schema())
clip_entry = manifest["clips"][-1]
print(clip_entry["model"], clip_entry["parameters"]["seconds"], clip_entry["cost"], len(clip_entry["sha256"]))
print(clip_entry["lineage"])
"""),
    ("md", """
The same from a line magic; `--single-file` writes one `.html` with the videos inside, refused with a
clear message when it would exceed the size cap (`--max-mb`, 25 MB by default):
"""),
    ("code", """
%sora export sora_exports/latest.html --last 1 --single-file --force
"""),
]



COMPARE: Cells = [
    ("md", """
# 09 · Compare and judge

Which model, seed or setting works for *your* material? Looking at clips one by one does not tell
you; looking at them **side by side, in step**, and voting **blind** does. This notebook generates a
grid of variations, plays it with one transport, then runs a blind A/B arena whose votes become a
Bradley-Terry leaderboard with uncertainty.
"""),
    ("code", """
%load_ext sora_widgets
from sora_widgets import Arena, Compare, compare

prompt = "a paper boat drifts down a rain-soaked street at dusk, neon reflections, slow tracking shot"
"""),
    ("md", """
## Plan a grid: every list is an axis

`compare(prompt, **axes)` expands the axes into a grid — the last varying axis gives the columns, the
others the rows. Single values (`seconds=2`) are fixed for every clip. Every cell is validated and
priced, and the budget is checked for the **whole grid before anything is sent**. `dry_run=True`
shows the plan and sends nothing:
"""),
    ("code", """
plan = compare(prompt, seeds=[1, 2, 3, 4], model="animatic", seconds=2, size="640x360", dry_run=True)
print(plan.summary())
for cell in plan.cells:
    print(f"  {cell.label:<8} {cell.request.model} {cell.request.size} {cell.request.seconds}s  ${cell.cost:.2f}")
"""),
    ("md", """
## Generate and compare

Without `dry_run`, `compare()` submits the grid through the job runner (bounded concurrency, the
ledger records every job and the grid) and returns a `Compare` widget at once: each empty cell shows
its progress and fills in when its clip is ready, while the kernel stays free.

The widget plays all clips under **one clock**: *Play all*, *Pause all*, one *Seek all* bar, *Speed*,
loop, and *Previous / Next frame* at the clips' real frame rate. Keys (click the widget first):
`space` play/pause, `←` `→` one frame, `[` `]` speed. Each clip carries an overlay with its model,
seed, parameters, cost and time taken, and its quality signals once the background check has run
(`signals ok`, or the flags such as `frozen`; hover for the reasons). With two or more clips, the *View* menu offers an **A|B wipe**
(drag the divider) and a **difference** view that shows only what changed.

(In your own notebook, just display `grid` while it fills. Here we wait, so the saved notebook keeps
a still of the finished grid for readers without a kernel.)
"""),
    ("code", """
grid = compare(prompt, seeds=[1, 2, 3, 4], model="animatic", seconds=2, size="640x360")
grid.wait()
"""),
    ("code", """
print(grid.summary())
print([c["label"] for c in grid.cells], grid.cells[0]["fps"], "fps")
"""),
    ("md", """
Two axes make rows and columns. The same grid from a cell magic: `%%sora --compare AXIS=V1,V2 ...`
(the other options are fixed for every clip; `--dry-run` works too). Like every `%%sora` cell it
waits with progress, then shows the grid; `--no-wait` returns the live grid at once:
"""),
    ("code", """
%%sora -m animatic --size 640x360 --compare seeds=5,6 seconds=1,2 --name grid2
a red kite over a windy beach, wide shot
"""),
    ("code", "print(grid2.rows, grid2.cols)"),
    ("md", """
`Compare(items)` also takes clips you already have: results, jobs, file paths, or video ids and job
keys from the ledger (`%sora list`). The Gallery's *Compare selected* button opens one too. Every grid
is recorded in the ledger: after a kernel restart, `%sora resume` finishes its unfinished jobs and
`Compare.from_group()` shows the newest grid again (or `Compare.from_group(grid.group_id)`).
"""),
    ("code", """
Compare([grid.results[0], grid.results[1].path], title="two takes")
"""),
    ("md", """
## Blind A/B: the arena

`Arena(grid)` shows two clips of the same prompt **unlabeled, in random left/right order**, in step.
Vote with the buttons or the keys `a`, `b`, `t` (tie), `s` (skip); the labels are revealed after the
vote and `n` shows the next pair. Every vote goes to the ledger (the pair, the hidden left/right
assignment, the choice, the time), so it survives a kernel restart, and pairs already judged are not
asked again. `%sora arena` opens one over the last grid you generated.
"""),
    ("code", """
arena = Arena(grid, seed=8)
arena
"""),
    ("md", """
Here a stand-in for your eyes votes in code — it happens to prefer lower seeds (in real use, you
click or press a key). `arena.current` is the pair on screen:
"""),
    ("code", """
while arena.current is not None:
    left, right = arena.current
    arena.vote("left" if left.contestant < right.contestant else "right")
    arena.next()
print(arena.message)
"""),
    ("md", """
## The leaderboard

`arena.leaderboard()` fits **Bradley-Terry** ratings (P(A beats B) = p_A / (p_A + p_B), on an
Elo-like scale centred on 1000) and their **95% intervals** from bootstrap resampling of the votes.
With six votes the intervals are wide — that is the point: more votes, narrower intervals.
"""),
    ("code", """
board = arena.leaderboard()
board
"""),
    ("md", "Votes and ratings export as CSV for a spreadsheet or a report:"),
    ("code", """
import tempfile, csv
from pathlib import Path

folder = Path(tempfile.mkdtemp())
votes_csv, ratings_csv = arena.export_csv(folder / "votes.csv", folder / "ratings.csv")
print(ratings_csv.read_text().splitlines()[0])
print(len(list(csv.DictReader(votes_csv.open()))), "votes exported")
"""),
    ("code", """
# NBVAL_IGNORE_OUTPUT
%sora arena
"""),
]

NOTEBOOKS: dict[str, Cells] = {
    "01_quickstart": QUICKSTART,
    "02_studio": STUDIO,
    "03_prompting": PROMPTING,
    "04_image_to_video": IMAGE_TO_VIDEO,
    "05_storyboard": STORYBOARD,
    "06_batch_cost_budget": BATCH,
    "07_backends": BACKENDS,
    "08_sharing": SHARING,
    "09_compare_and_judge": COMPARE,
}
