// Compare: clips side by side under one transport (anywidget ES module; no build step).
//
// Contract with the kernel (traitlets): cells, rows, cols, columns, title, view, pair, width, blind,
// revealed, voting, message. The kernel sends a clip's bytes only when this view asks ("need"), as a
// binary buffer; they become a blob: URL here.
//
// Sync: one shared clock (media time m0 at wall time t0, times the speed) is the truth. On every
// animation frame each playing clip is compared with the clock: a small drift is corrected by nudging
// that clip's playbackRate, a large one (> 0.3 s) by a seek, so clips stay within a frame of each other
// instead of drifting apart as independent <video> elements do. Clips shorter than the longest hold
// their last frame. Frame steps use the clips' real frame rate (probed by the kernel).

const SPEEDS = [0.25, 0.5, 1, 1.5, 2];
const HARD_DRIFT = 0.3;

// Per widget model, shared by all its views: the clock (so two views of one grid play together, and a
// view re-created by the notebook resumes where the old one was) and the clips' blob: URLs (so a clip's
// bytes cross the comm once, not once per view). Keyed by the `_uid` trait: anywidget hands each view
// its own proxy of the model, so the proxy object cannot be the key.
const SHARED = new Map();
function shared(model) {
  const uid = model.get("_uid");
  let s = SHARED.get(uid);
  if (!s) {
    s = { clock: { playing: false, m0: 0, t0: 0, rate: 1 }, blobs: new Map(), asked: new Map(), bus: new EventTarget() };
    SHARED.set(uid, s);
  }
  return s;
}

function forget(uid) {
  const s = SHARED.get(uid);
  if (!s) return;
  for (const b of s.blobs.values()) URL.revokeObjectURL(b.url);
  SHARED.delete(uid);
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

function button(text, label, cls = "") {
  return h("button", { class: `sc-btn ${cls}`, type: "button", "aria-label": label, title: label, text });
}

function fmt(t) {
  return Number.isFinite(t) ? t.toFixed(2) : "0.00";
}

function render({ model, el }) {
  const root = h("div", { class: "sc-root", tabindex: "0", role: "group", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const st = { raf: 0, wipe: 50, clips: new Map(), disposed: false };
  const sh = shared(model);
  const clk = sh.clock;

  // -- transport ------------------------------------------------------------------------------
  const title = h("div", { class: "sc-title" });
  const bPlay = button("▶ Play", "Play all", "sc-play");
  const bPause = button("❚❚ Pause", "Pause all", "sc-pause");
  const bPrev = button("◀|", "Previous frame");
  const bNext = button("|▶", "Next frame");
  const bExport = button("Export", "Export", "sc-export");
  bExport.onclick = () => model.send({ type: "export" });
  const seek = h("input", { type: "range", class: "sc-seek", "aria-label": "Seek all", min: 0, max: 0, step: "any", value: 0 });
  const time = h("span", { class: "sc-time", "aria-label": "Time" });
  const speed = h("select", { class: "sc-speed", "aria-label": "Speed", title: "Speed ([ and ])" });
  for (const s of SPEEDS) speed.append(h("option", { value: s, text: `${s}×`, selected: s === 1 }));
  const loop = h("input", { type: "checkbox", "aria-label": "Loop", checked: true });
  const info = h("input", { type: "checkbox", "aria-label": "Overlays", checked: true });
  const viewSel = h("select", { class: "sc-view", "aria-label": "View" });
  for (const [v, text] of [["grid", "Grid"], ["wipe", "A|B wipe"], ["difference", "Difference"]]) {
    viewSel.append(h("option", { value: v, text }));
  }
  // which two clips the wipe and difference views show (offered when the grid has more than two)
  const pickA = h("select", { class: "sc-pick", "aria-label": "Clip A" });
  const pickB = h("select", { class: "sc-pick", "aria-label": "Clip B" });
  const picks = h("span", { class: "sc-picks" }, pickA, document.createTextNode("vs"), pickB);
  const onPick = () => {
    const a = Number(pickA.value);
    let b = Number(pickB.value);
    if (a === b) b = (a + 1) % (model.get("cells") || []).length;
    model.set("pair", [a, b]);
    model.save_changes();
  };
  pickA.addEventListener("change", onPick);
  pickB.addEventListener("change", onPick);
  const bar = h("div", { class: "sc-bar" }, bPlay, bPause, bPrev, bNext, seek, time, speed,
    h("label", { class: "sc-check" }, loop, document.createTextNode("loop")),
    h("label", { class: "sc-check" }, info, document.createTextNode("overlays")), viewSel, picks, bExport);
  const msg = h("div", { class: "sc-msg", role: "status", "aria-live": "polite" });

  // -- voting (Arena) --------------------------------------------------------------------------
  const vA = button("A is better  [a]", "Vote A", "sc-vote");
  const vTie = button("Tie  [t]", "Tie", "sc-vote");
  const vB = button("B is better  [b]", "Vote B", "sc-vote");
  const vSkip = button("Skip  [s]", "Skip", "sc-vote");
  const vNext = button("Next pair  [n]", "Next pair", "sc-next");
  const votes = h("div", { class: "sc-votes" }, vA, vTie, vB, vSkip, vNext);
  const vote = (choice) => model.send({ type: "vote", choice });
  vA.onclick = () => vote("left");
  vB.onclick = () => vote("right");
  vTie.onclick = () => vote("tie");
  vSkip.onclick = () => vote("skip");
  vNext.onclick = () => model.send({ type: "next" });

  const stage = h("div", { class: "sc-stage" });
  const divider = h("div", { class: "sc-divider", role: "slider", tabindex: "0", "aria-label": "Wipe divider",
    "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": 50 });
  root.append(title, bar, votes, msg, stage);

  // -- clips -----------------------------------------------------------------------------------
  const ready = () => [...st.clips.values()].filter((c) => c.loaded && c.shown);
  const longest = () => Math.max(0, ...ready().map((c) => c.video.duration || 0));
  const leaderFps = () => (ready()[0] && ready()[0].fps) || 24;
  const now = () => (clk.playing ? clk.m0 + ((performance.now() - clk.t0) / 1000) * clk.rate : clk.m0);
  const rebase = (t) => { clk.m0 = t; clk.t0 = performance.now(); };
  const target = (c, t) => Math.max(0, Math.min(t, (c.video.duration || 0) - 0.5 / c.fps));

  function makeClip(cell) {
    const video = h("video", { muted: true, playsinline: true, preload: "auto", class: "sc-video" });
    video.muted = true;
    video.loop = false; // the shared clock loops, not each element
    const chip = h("div", { class: "sc-chip" });
    const details = h("div", { class: "sc-details" });
    const quality = h("div", { class: "sc-quality" }); // filled when a clip carries quality signals
    const bar = h("div", { class: "sc-progress", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100 },
      h("div", { class: "sc-progress-fill" }));
    const wait = h("div", { class: "sc-wait" }, h("div", { class: "sc-wait-text" }), bar);
    const fig = h("figure", { class: "sc-cell" }, video, wait, chip, h("div", { class: "sc-overlay" }, details, quality));
    const c = { id: cell.id, fig, video, chip, details, quality, wait, bar, src: null, url: null, loaded: false,
      fps: 24, shown: true, cell };
    video.addEventListener("loadedmetadata", () => {
      c.loaded = true;
      video.currentTime = target(c, now());
      video.playbackRate = clk.rate;
      if (clk.playing) video.play().catch(() => {});
      layout();
      tickOnce();
    });
    return c;
  }

  function fillClip(c, cell, i) {
    c.cell = cell;
    c.fps = cell.fps || 24;
    const blind = model.get("blind") && !model.get("revealed");
    const letter = model.get("blind") ? "AB"[i] || "" : "";
    const label = blind ? `Clip ${letter}` : letter ? `${letter} · ${cell.label}` : cell.label;
    c.video.setAttribute("aria-label", label);
    c.fig.setAttribute("aria-label", label);
    c.chip.textContent = blind ? letter : label;
    const meta = blind ? [] : Object.values(cell.meta || {});
    c.details.textContent = meta.join(" · ");
    const quality = cell.quality || {};
    const q = blind ? [] : Object.entries(quality).filter(([k]) => !k.startsWith("_"))
      .map(([k, v]) => `${k} ${typeof v === "number" ? v.toFixed(2) : v}`);
    c.quality.textContent = q.join(" · ");
    c.quality.hidden = q.length === 0;
    c.quality.classList.toggle("sc-flagged", quality._ok === false);
    c.fig.title = blind ? "" : quality._why || ""; // why each flag was raised, on hover
    const failed = ["failed", "cancelled", "expired", "interrupted"].includes(cell.status);
    c.wait.classList.toggle("sc-failed", failed);
    c.wait.firstChild.textContent = failed ? `${cell.status}: ${cell.error || ""}` : cell.src ? "loading…" :
      `${cell.status === "in_progress" ? "rendering" : cell.status} ${cell.progress || 0}%`;
    c.bar.setAttribute("aria-valuenow", cell.progress || 0);
    c.bar.setAttribute("aria-label", `${label} progress`);
    c.bar.firstChild.style.width = `${cell.progress || 0}%`;
    const have = sh.blobs.get(cell.id);
    if (cell.src && have && have.src === cell.src) {
      if (c.src !== cell.src) useBlob(c, have);
    } else if (cell.src && sh.asked.get(cell.id) !== cell.src) {
      sh.asked.set(cell.id, cell.src);
      model.send({ type: "need", ids: [cell.id] });
    }
    c.wait.hidden = !!cell.src && c.src === cell.src; // until the bytes arrive, the cell says so
  }

  function useBlob(c, blob) {
    c.src = blob.src;
    c.loaded = false;
    c.video.src = blob.url;
    c.wait.hidden = true;
  }

  function onCustom(msg, buffers) {
    if (!msg || msg.type !== "video") return;
    if (msg.error) { // the kernel will not send this clip (too large): the cell says why
      const c = st.clips.get(msg.id);
      if (c) { c.wait.firstChild.textContent = msg.error; c.wait.classList.add("sc-failed"); }
      return;
    }
    let blob = sh.blobs.get(msg.id);
    if (!blob || blob.src !== msg.src) { // every view hears the message; the first one makes the URL
      if (!buffers || !buffers.length) return;
      if (blob) URL.revokeObjectURL(blob.url);
      blob = { src: msg.src, url: URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime || "video/mp4" })) };
      sh.blobs.set(msg.id, blob);
    }
    const c = st.clips.get(msg.id);
    if (c && c.src !== blob.src) useBlob(c, blob);
  }

  function syncCells() {
    const cells = model.get("cells") || [];
    const keep = new Set(cells.map((x) => x.id));
    for (const [id, c] of st.clips) {
      if (!keep.has(id)) { // the kernel dropped this clip (e.g. the arena's next pair): free its bytes
        c.video.removeAttribute("src");
        c.fig.remove();
        const blob = sh.blobs.get(id);
        if (blob) URL.revokeObjectURL(blob.url);
        sh.blobs.delete(id);
        sh.asked.delete(id);
        st.clips.delete(id);
      }
    }
    cells.forEach((cell, i) => {
      let c = st.clips.get(cell.id);
      if (!c) { c = makeClip(cell); st.clips.set(cell.id, c); }
      fillClip(c, cell, i);
    });
    layout();
  }

  // -- layout: grid (with headings when there are rows), wipe, difference ---------------------------
  function layout() {
    const cells = model.get("cells") || [];
    const view = model.get("view");
    const rows = model.get("rows") || [];
    const cols = model.get("cols") || [];
    const width = model.get("width") || 320;
    const [a, b] = model.get("pair") || [0, 1];
    const loadedCount = cells.filter((x) => x.src).length;
    const two = view !== "grid" && cells.length >= 2;
    title.textContent = model.get("title") || "";
    title.hidden = !model.get("title");
    root.setAttribute("aria-label", model.get("blind") ? "Blind A/B comparison" : `Compare: ${model.get("title") || `${cells.length} clips`}`);
    picks.hidden = !two || cells.length <= 2 || (model.get("blind") && !model.get("revealed"));
    if (!picks.hidden) {
      for (const [sel, value] of [[pickA, a], [pickB, b]]) {
        sel.replaceChildren(...cells.map((x, i) => h("option", { value: i, text: x.label || `clip ${i + 1}` })));
        sel.value = String(value);
      }
    }
    viewSel.value = view;
    viewSel.disabled = loadedCount < 2;
    root.classList.toggle("sc-blind", !!model.get("blind") && !model.get("revealed"));
    root.classList.toggle("sc-no-info", !info.checked);
    // rebuild only when the structure changed: moving playing <video> elements around is not free
    const sig = JSON.stringify([view, two, a, b, rows, cols, width, model.get("columns"), cells.map((x) => [x.id, x.row, x.col])]);
    if (sig === st.sig) return;
    st.sig = sig;
    stage.className = `sc-stage sc-${two ? view : "grid"}`;
    stage.replaceChildren();
    if (two) {
      stage.style.gridTemplateColumns = `minmax(0, ${Math.max(width, 480)}px)`;
      cells.forEach((cell, i) => {
        const c = st.clips.get(cell.id);
        c.shown = i === a || i === b;
        c.fig.classList.toggle("sc-top", i === b);
        if (i === b && view === "difference") {
          c.chip.textContent = `difference: ${cells[a].label} vs ${cell.label}`;
        }
        c.fig.style.gridArea = "1 / 1";
        c.video.style.clipPath = view === "wipe" && i === b ? `inset(0 0 0 ${st.wipe}%)` : "";
        if (c.shown) stage.append(c.fig);
      });
      if (view === "wipe") {
        divider.style.left = `${st.wipe}%`;
        divider.setAttribute("aria-valuenow", Math.round(st.wipe));
        stage.append(divider);
      }
      return;
    }
    const withHeadings = rows.length > 1 && cols.length > 0;
    const ncols = withHeadings ? cols.length : Math.max(1, Math.min(model.get("columns") || 4, cells.length || 1));
    // columns shrink with the notebook's width rather than overflowing it
    stage.style.gridTemplateColumns = (withHeadings ? "max-content " : "") + `repeat(${ncols}, minmax(0, ${width}px))`;
    if (withHeadings) {
      stage.append(h("div", { class: "sc-head" }));
      cols.forEach((text) => stage.append(h("div", { class: "sc-head sc-colhead", text })));
    }
    cells.forEach((cell, i) => {
      const c = st.clips.get(cell.id);
      c.shown = true;
      c.fig.classList.remove("sc-top");
      c.video.style.clipPath = "";
      if (withHeadings) {
        c.fig.style.gridArea = `${cell.row + 2} / ${cell.col + 2}`;
        if (cell.col === 0) {
          const head = h("div", { class: "sc-head sc-rowhead", text: rows[cell.row] || "" });
          head.style.gridArea = `${cell.row + 2} / 1`;
          stage.append(head);
        }
      } else {
        c.fig.style.gridArea = "";
      }
      stage.append(c.fig);
    });
  }

  // -- the shared clock ------------------------------------------------------------------------
  function tickOnce() {
    const t = now();
    const d = longest();
    seek.max = String(d);
    if (document.activeElement !== seek) seek.value = String(Math.min(t, d));
    const fps = leaderFps();
    time.textContent = `${fmt(t)} / ${fmt(d)} s · frame ${Math.max(0, Math.round(t * fps - 0.5))}`;
    bPlay.disabled = clk.playing || d === 0;
    bPause.disabled = !clk.playing;
    bPrev.disabled = bNext.disabled = seek.disabled = d === 0; // nothing to step through yet
  }

  function tick() {
    st.raf = 0;
    if (!clk.playing || st.disposed) return;
    let t = now();
    const d = longest();
    if (d > 0 && t >= d) {
      if (loop.checked) {
        t %= d;
        rebase(t);
        for (const c of ready()) c.video.currentTime = target(c, t);
      } else {
        pauseAll(d);
        return;
      }
    }
    for (const c of ready()) {
      const v = c.video;
      const tgt = target(c, t);
      if (t >= (v.duration || 0) - 0.5 / c.fps) { // shorter clip: hold its last frame
        if (!v.paused) v.pause();
        continue;
      }
      if (v.paused && !v.seeking) v.play().catch(() => {});
      const drift = v.currentTime - tgt;
      if (Math.abs(drift) > HARD_DRIFT) {
        if (!v.seeking) v.currentTime = tgt;
        v.playbackRate = clk.rate;
      } else if (Math.abs(drift) > 0.25 / c.fps) {
        v.playbackRate = clk.rate * Math.min(1.5, Math.max(0.5, 1 - drift * 3)); // ~0.3 s to close a gap
      } else if (v.playbackRate !== clk.rate) {
        v.playbackRate = clk.rate;
      }
    }
    tickOnce();
    st.raf = requestAnimationFrame(tick);
  }

  // Transport actions change the shared clock, then every view of this model applies it.
  const broadcast = () => sh.bus.dispatchEvent(new Event("clock"));

  function applyClock() {
    if (st.disposed) return;
    const t = now();
    speed.value = String(clk.rate);
    for (const c of ready()) {
      const v = c.video;
      v.playbackRate = clk.rate;
      if (!clk.playing) v.pause();
      v.currentTime = target(c, t); // every clip lands on the same instant
      if (clk.playing && t < (v.duration || 0) - 0.5 / c.fps) v.play().catch(() => {});
    }
    if (clk.playing && !st.raf) st.raf = requestAnimationFrame(tick);
    if (!clk.playing && st.raf) { cancelAnimationFrame(st.raf); st.raf = 0; }
    tickOnce();
  }

  function playAll() {
    const d = longest();
    if (d === 0) return;
    let t = clk.m0;
    if (t >= d - 0.5 / leaderFps()) t = 0;
    rebase(t);
    clk.playing = true;
    broadcast();
  }

  function pauseAll(at) {
    const t = at === undefined ? now() : at;
    clk.playing = false;
    rebase(t);
    broadcast();
  }

  function seekAll(t) {
    rebase(Math.max(0, Math.min(t, longest())));
    broadcast();
  }

  function step(dir) {
    if (clk.playing) pauseAll();
    const fps = leaderFps();
    const last = Math.max(0, Math.round(longest() * fps) - 1);
    const k = Math.max(0, Math.min(last, Math.round(clk.m0 * fps - 0.5) + dir));
    seekAll((k + 0.5) / fps); // the middle of frame k: no rounding can show its neighbour
  }

  function setSpeed(s) {
    const t = now();
    clk.rate = s;
    rebase(t);
    broadcast();
  }

  function nudgeSpeed(dir) {
    const i = SPEEDS.indexOf(clk.rate);
    setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 2 : i) + dir))]);
  }

  bPlay.onclick = playAll;
  bPause.onclick = () => pauseAll();
  bNext.onclick = () => step(1);
  bPrev.onclick = () => step(-1);
  seek.addEventListener("input", () => seekAll(Number(seek.value)));
  speed.addEventListener("change", () => setSpeed(Number(speed.value)));
  viewSel.addEventListener("change", () => { model.set("view", viewSel.value); model.save_changes(); });
  info.addEventListener("change", layout);

  // -- wipe divider: follows the pointer (and the arrow keys when focused) --------------------------
  function wipeTo(x) {
    st.wipe = Math.max(0, Math.min(100, x));
    const [, b] = model.get("pair") || [0, 1];
    const cell = (model.get("cells") || [])[b];
    const c = cell && st.clips.get(cell.id);
    if (c) c.video.style.clipPath = `inset(0 0 0 ${st.wipe}%)`;
    divider.style.left = `${st.wipe}%`;
    divider.setAttribute("aria-valuenow", Math.round(st.wipe));
  }
  stage.addEventListener("pointerdown", (e) => {
    if (model.get("view") !== "wipe") return;
    st.dragging = true;
    stage.setPointerCapture(e.pointerId);
    const r = stage.getBoundingClientRect();
    wipeTo(((e.clientX - r.left) / r.width) * 100);
    e.preventDefault();
  });
  stage.addEventListener("pointermove", (e) => {
    if (model.get("view") !== "wipe" || !st.dragging) return;
    const r = stage.getBoundingClientRect();
    wipeTo(((e.clientX - r.left) / r.width) * 100);
  });
  const endDrag = () => { st.dragging = false; };
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);
  divider.addEventListener("keydown", (e) => {
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      wipeTo(st.wipe + (e.key === "ArrowLeft" ? -5 : 5));
      divider.focus();
      e.preventDefault();
      e.stopPropagation();
    }
  });

  // -- keyboard: space, ←/→ frames, [ ] speed; a b t s n when voting --------------------------
  root.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape" || (e.key === "Enter" && e.shiftKey)) return; // leave the notebook's own keys alone
    const tag = (e.target.tagName || "").toLowerCase();
    const formControl = tag === "select" || (tag === "input" && e.target.type !== "checkbox");
    const voting = model.get("voting");
    const map = {
      " ": () => (clk.playing ? pauseAll() : playAll()),
      ArrowRight: () => step(1),
      ArrowLeft: () => step(-1),
      "[": () => nudgeSpeed(-1),
      "]": () => nudgeSpeed(1),
    };
    if (voting && !model.get("revealed")) {
      Object.assign(map, { a: () => vote("left"), b: () => vote("right"), t: () => vote("tie"), s: () => vote("skip") });
    }
    if (voting && model.get("revealed")) Object.assign(map, { n: () => model.send({ type: "next" }) });
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const fn = formControl ? null : map[key];
    e.stopPropagation(); // keys typed in the widget are the widget's, never notebook commands
    if (fn) {
      e.preventDefault();
      fn();
    }
  });
  root.addEventListener("pointerdown", (e) => {
    const tag = (e.target.tagName || "").toLowerCase();
    if (!["button", "input", "select", "option", "label"].includes(tag)) root.focus({ preventScroll: true });
  });

  function onVoting() {
    const voting = !!model.get("voting");
    const revealed = !!model.get("revealed");
    votes.hidden = !voting;
    for (const b of [vA, vB, vTie, vSkip]) b.disabled = revealed;
    vNext.hidden = !revealed;
    bExport.hidden = !!model.get("blind"); // a report names every clip: not in a blind A/B session
    msg.textContent = model.get("message") || "";
    msg.hidden = !model.get("message");
  }

  const onCells = () => { syncCells(); onVoting(); tickOnce(); };
  const onBlind = () => { syncCells(); onVoting(); };
  model.on("change:cells", onCells);
  model.on("change:view", layout);
  model.on("change:pair", layout);
  model.on("change:rows", layout);
  model.on("change:cols", layout);
  model.on("change:columns", layout);
  model.on("change:width", layout);
  model.on("change:title", layout);
  model.on("change:revealed", onBlind);
  model.on("change:blind", onBlind);
  model.on("change:voting", onVoting);
  model.on("change:message", onVoting);
  model.on("msg:custom", onCustom);
  sh.bus.addEventListener("clock", applyClock);
  const onDestroy = () => forget(model.get("_uid")); // the widget was closed: its clips go too
  model.on("destroy", onDestroy);
  onCells();

  return () => {
    st.disposed = true;
    if (st.raf) cancelAnimationFrame(st.raf);
    sh.bus.removeEventListener("clock", applyClock);
    for (const c of st.clips.values()) {
      c.video.pause();
      c.video.removeAttribute("src"); // the blob: URL stays with the model for its other views
    }
    model.off("change:cells", onCells);
    model.off("change:view", layout);
    model.off("change:pair", layout);
    model.off("change:rows", layout);
    model.off("change:cols", layout);
    model.off("change:columns", layout);
    model.off("change:width", layout);
    model.off("change:title", layout);
    model.off("change:revealed", onBlind);
    model.off("change:blind", onBlind);
    model.off("change:voting", onVoting);
    model.off("change:message", onVoting);
    model.off("msg:custom", onCustom);
    model.off("destroy", onDestroy);
  };
}

export default { render };
