// Criterion page: the evidence page image with the supporting / contradicting words highlighted.
// Boxes come from extraction in PDF points (top-left origin); the server sends them as percentages
// of the page's width and height, so they stay on the words at any zoom. What shows in place of codes
// and storage paths (Vietnamese labels, file names without the submission's folder) comes from the server
// in the #viewer-labels block (api/service/labels.py); the codes and full paths stay in title= tooltips.
// The #viewer-docs block gives each document's pages (how each was read, for the line above the page and the
// thumbnail strip) and the links to its original file (templates/_viewer.html).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("evidence-data");
  const items = data ? JSON.parse(data.textContent) : [];
  const pageEl = document.getElementById("page");
  const img = document.getElementById("page-img");
  const box = document.getElementById("pagebox");
  const label = document.getElementById("ev-label");
  const info = document.getElementById("ev-info");
  const claim = document.getElementById("claim-pane");
  const docsEl = document.getElementById("viewer-docs");
  const docs = docsEl ? JSON.parse(docsEl.textContent) : {};
  const thumbs = document.getElementById("thumbs");
  const method = document.getElementById("pg-method");
  const orig = document.getElementById("orig");
  const THUMB_DPI = 36;
  let thumbsOf = null;  // the sha256 whose pages the strip shows
  const labelsEl = document.getElementById("viewer-labels");
  const L = Object.assign({ severities: {}, findings: {}, names: {} }, labelsEl ? JSON.parse(labelsEl.textContent) : {});
  const shownName = (file) => L.names[file] || file;
  // a message names files by their stored path: name them as they are shown (the longest first)
  const byLength = Object.keys(L.names).filter((n) => L.names[n] !== n).sort((a, b) => b.length - a.length);
  const shortPaths = (text) => byLength.reduce((t, n) => t.split(n).join(L.names[n]), text || "");
  const LOW = "⚠ Độ tin cậy thấp — cần xem bằng mắt";
  let idx = 0, page = 1, zoom = false;

  const m = location.hash.match(/ev=(\d+)/);
  if (m) idx = Math.min(items.length - 1, Math.max(0, parseInt(m[1], 10)));

  function pct(n) { return Math.round(n * 100) + "%"; }
  function clear() { pageEl.querySelectorAll(".hl").forEach((h) => h.remove()); }
  pageEl.setAttribute("role", "group");
  function draw(it) {
    clear();
    if (page !== it.page) return;
    for (const b of it.boxes) {
      const d = document.createElement("div");
      d.className = "hl sev-" + it.severity + (b.low ? " low" : "");
      d.style.left = b.x + "%";
      d.style.top = b.y + "%";
      d.style.width = b.w + "%";
      d.style.height = b.h + "%";
      if (b.text) d.dataset.text = b.text;
      if (b.conf !== null && b.conf !== undefined) d.title = "Độ tin cậy " + pct(b.conf) + (b.low ? " — thấp" : "");
      const other = (b.words || []).filter((w) => w.alt && w.alt.length).map(altText);
      if (other.length) d.title += (d.title ? "\n" : "") + other.join("\n");
      // the box's accessible text (a generic div's title is no name): what is marked, how sure, other readings
      const sev = L.severities[it.severity] || it.severity;
      d.setAttribute("role", "img");
      d.setAttribute("aria-label", "Vùng đánh dấu (" + sev + ")" + (b.text ? ": “" + b.text + "”" : "") +
        (b.conf !== null && b.conf !== undefined ? ", độ tin cậy " + pct(b.conf) + (b.low ? " — thấp" : "") : "") +
        (other.length ? ". " + other.join(". ") : ""));
      pageEl.appendChild(d);
    }
  }
  // "Có thể đọc là: “50%” (bộ đọc số thứ hai, 97%) — thay cho “90%”"
  function altText(w) {
    return "Có thể đọc là: " + w.alt.map((a) => "“" + a.text + "” (" + a.source_vi +
      (a.conf !== null && a.conf !== undefined ? ", " + pct(a.conf) : "") + ")").join(" hoặc ") + " — thay cho “" + w.text + "”";
  }
  function pageInfo(it) {
    const d = docs[it.sha256];
    return d ? d.pages.find((p) => p.n === page) : null;
  }
  function thumbStrip(it) {
    if (!thumbs) return;
    const d = docs[it.sha256];
    const n = d ? d.pages.length : 0;
    if (thumbsOf !== it.sha256) {
      thumbsOf = it.sha256;
      thumbs.textContent = "";
      thumbs.hidden = n < 2;  // one page: nothing to choose
      if (n >= 2) {
        for (const p of d.pages) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "thumb";
          b.dataset.page = String(p.n);
          b.title = "Trang " + p.n + (p.label ? " · " + p.label : "");
          const t = document.createElement("img");
          t.loading = "lazy";
          t.alt = "Trang " + p.n;
          t.src = "/ui/documents/" + it.sha256 + "/pages/" + p.n + "/image?dpi=" + THUMB_DPI;
          const num = document.createElement("span");
          num.textContent = String(p.n);
          num.setAttribute("aria-hidden", "true");
          b.appendChild(t);
          b.appendChild(num);
          b.addEventListener("click", () => { if (page !== p.n) { page = p.n; show(); } });
          thumbs.appendChild(b);
        }
      }
    }
    thumbs.querySelectorAll("button.thumb").forEach((b) => {
      const on = b.dataset.page === String(page);
      if (on) b.setAttribute("aria-current", "page"); else b.removeAttribute("aria-current");
      if (on) {  // keep the current page's thumbnail in view, without scrolling anything but the strip
        const left = b.offsetLeft - thumbs.offsetLeft;
        if (left < thumbs.scrollLeft || left + b.offsetWidth > thumbs.scrollLeft + thumbs.clientWidth) {
          thumbs.scrollLeft = Math.max(0, left - thumbs.clientWidth / 2 + b.offsetWidth / 2);
        }
      }
    });
  }
  function meta(it) {
    const p = pageInfo(it);
    if (method) {
      method.textContent = p && p.label ? "Trang " + page + ": " + p.label : "";
      method.dataset.method = p ? p.method : "";
    }
    const d = docs[it.sha256];
    if (orig) {
      orig.hidden = !d;
      if (d) {
        document.getElementById("orig-open").href = d.open;
        document.getElementById("orig-download").href = d.download;
      }
    }
    thumbStrip(it);
  }
  function scrollToBox(it) {
    if (!it.boxes.length || page !== it.page || !img.naturalHeight) return;
    const b = it.boxes[0];
    const y = (b.y / 100) * pageEl.offsetHeight;
    const x = (b.x / 100) * pageEl.offsetWidth;
    box.scrollTop = Math.max(0, pageEl.offsetTop + y - box.clientHeight / 3);
    if (zoom) box.scrollLeft = Math.max(0, pageEl.offsetLeft + x - 40);
  }
  function show() {
    pageEl.dataset.ready = "0";
    if (!items.length) { pageEl.classList.add("hidden"); label.textContent = "Không có minh chứng"; return; }
    const it = items[idx];
    const where = (it.kind === "evidence" ? "Minh chứng " : "Tài liệu ") + (idx + 1) + "/" + items.length + " · ";
    const at = " · trang " + page + (it.pages ? "/" + it.pages : "");
    label.textContent = where + shownName(it.file) + at;
    label.title = where + it.file + at;  // the full path inside the submission
    info.innerHTML = "";
    if (it.kind === "evidence") {
      const s = document.createElement("span");
      s.className = "sev sev-" + it.severity;
      s.textContent = L.severities[it.severity] || it.severity;
      s.title = it.severity;
      info.appendChild(s);
      info.appendChild(document.createTextNode(" "));
      if (it.code) {
        const c = document.createElement("b");
        c.className = "fcode";
        c.textContent = L.findings[it.code] || it.code;
        c.title = it.code;
        info.appendChild(c);
        info.appendChild(document.createTextNode(": "));
      }
      info.appendChild(document.createTextNode(shortPaths(it.message)));
      if (it.text) {
        const q = document.createElement("div");
        q.className = "muted";
        q.textContent = "“" + it.text.replace(/\s+/g, " ") + "” · độ tin cậy " + pct(it.confidence) +
          (it.method === "ocr" ? " (OCR)" : it.method === "text_layer" ? " (lớp chữ của PDF)" : "");
        if (it.low) {
          const f = document.createElement("b");
          f.className = "lowflag";
          f.textContent = " " + LOW;
          q.appendChild(f);
        }
        info.appendChild(q);
      }
      for (const w of it.alts || []) {
        const a = document.createElement("div");
        a.className = "alts";
        a.textContent = altText(w);
        info.appendChild(a);
      }
      if (!it.boxes.length) info.appendChild(document.createTextNode(" (không có vị trí trên trang)"));
    } else {
      info.textContent = shortPaths(it.message);
    }
    const src = "/ui/documents/" + it.sha256 + "/pages/" + page + "/image";
    meta(it);
    pageEl.setAttribute("aria-label", "Trang " + page + " với các vùng đánh dấu");
    clear();
    img.onload = () => { draw(it); scrollToBox(it); pageEl.dataset.ready = "1"; pageEl.dataset.idx = String(idx); };
    img.onerror = () => { info.appendChild(document.createTextNode(" — không hiển thị được trang.")); pageEl.dataset.ready = "error"; };
    if (img.getAttribute("src") === src && img.complete && img.naturalHeight) { img.onload(); } else { img.src = src; }
    if (claim) {
      document.querySelectorAll("blockquote.ev").forEach((q) => q.classList.toggle(
        "on", String(it.finding) === q.dataset.finding && String(it.ev) === q.dataset.ev));
    }
    if (items.length > 1 || m) history.replaceState(null, "", "#ev=" + idx);
  }
  // narrow screens show one pane at a time: the claim (or document details) or the evidence page
  const main = document.querySelector("main.split");
  const showClaim = document.getElementById("show-claim");
  const showEvidence = document.getElementById("show-evidence");
  function pane(evidence) {
    if (!main || !showClaim || !showEvidence) return;
    main.classList.toggle("show-evidence", evidence);
    showClaim.setAttribute("aria-pressed", evidence ? "false" : "true");
    showEvidence.setAttribute("aria-pressed", evidence ? "true" : "false");
    if (evidence) scrollToBox(items[idx] || { boxes: [] });
  }
  const stacked = () => !!showClaim && getComputedStyle(showClaim.parentElement).display !== "none";
  if (showClaim) showClaim.addEventListener("click", () => pane(false));
  if (showEvidence) showEvidence.addEventListener("click", () => pane(true));
  function go(i) {
    if (!items.length) return;
    idx = (i + items.length) % items.length;
    page = items[idx].page;
    show();
  }
  function turn(d) {
    if (!items.length) return;
    const it = items[idx];
    const n = Math.max(1, it.pages || 1);
    const p = Math.min(n, Math.max(1, page + d));
    if (p !== page) { page = p; show(); }
  }
  function toggleZoom() {
    zoom = !zoom;
    pageEl.classList.toggle("zoom", zoom);
    const z = document.getElementById("zoom");
    if (z) z.textContent = zoom ? "Vừa khung" : "Phóng to";
    scrollToBox(items[idx] || { boxes: [] });
  }
  const on = (id, f) => { const el = document.getElementById(id); if (el) el.addEventListener("click", f); };
  on("ev-prev", () => go(idx - 1));
  on("ev-next", () => go(idx + 1));
  on("pg-prev", () => turn(-1));
  on("pg-next", () => turn(1));
  on("zoom", toggleZoom);
  document.querySelectorAll("blockquote.ev").forEach((q) => {
    const pick = () => {
      const i = items.findIndex((it) => String(it.finding) === q.dataset.finding && String(it.ev) === q.dataset.ev);
      if (i >= 0) go(i);
      if (stacked()) pane(true);
    };
    q.addEventListener("click", pick);
    q.addEventListener("keydown", (ev) => { if (ev.key === "Enter") pick(); });
  });
  go(idx);

  // decision form: submit with fetch, show errors in place, reload to show the audit trail
  const form = document.getElementById("decision-form");
  const msg = document.getElementById("decision-msg");
  if (form) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      let action = (ev.submitter && ev.submitter.value) || "set";
      if (document.activeElement && /^(score|comment)$/.test(document.activeElement.id)) action = "set";
      const fd = new FormData(form);
      fd.set("action", action);
      msg.classList.add("hidden");
      try {
        const j = await KC.post(form.getAttribute("action"), Object.fromEntries(fd.entries()));
        KC.toast("Đã lưu: điểm thẩm định " + KC.fmt(j.decision.score));
        document.getElementById("appraised").textContent = KC.fmt(j.decision.score);
        setTimeout(() => { location.hash = "ev=" + idx; location.reload(); }, 500);
      } catch (e) {
        msg.textContent = e.message;
        msg.classList.remove("hidden");
      }
    });
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && KC.typing(ev)) { ev.target.blur(); return; }
    if (KC.typing(ev)) return;
    const link = (id) => { const a = document.getElementById(id); if (a) location.href = a.href; };
    switch (ev.key) {
      case "n": go(idx + 1); break;
      case "p": go(idx - 1); break;
      case "]": turn(1); break;
      case "[": turn(-1); break;
      case "z": toggleZoom(); break;
      case "e": go(idx); if (stacked()) pane(true); box.focus(); break;
      case "j": link("next-crit"); break;
      case "k": link("prev-crit"); break;
      case "a": { const b = document.getElementById("accept"); if (b && !b.disabled) b.click(); break; }
      case "s": { const s = document.getElementById("score"); if (s) { s.focus(); s.select(); ev.preventDefault(); } break; }
      case "Escape": link("back"); break;
      default: return;
    }
  });
});
