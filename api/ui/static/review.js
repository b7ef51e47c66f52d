// Submission page: live reading progress; the appraisal table with filters and keyboard review.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const STATE_VI = { done: "Đã đọc", error: "Không đọc được", reading: "Đang đọc", queued: "Đang chờ" };
  const STATUS_VI = { queued: "Đang chờ", running: "Đang xử lý", done: "Đã kiểm tra", failed: "Lỗi" };

  // ---------------------------------------------------------------- progress
  // Totals are known at upload (files, and pages counted before any OCR); what is done only grows: a
  // poll that answers less than the last one (a retried job starts its pages again) does not move it back.
  const prog = document.getElementById("progress");
  const most = { files: 0, pages: 0, percent: 0 };
  function paint(j) {
    const p = j.progress;
    most.files = Math.max(most.files, p.files_done);
    most.pages = Math.max(most.pages, p.pages_done);
    most.percent = Math.max(most.percent, p.percent || 0);
    document.getElementById("p-files").textContent = most.files + "/" + p.files_total;
    document.getElementById("p-pages").textContent = most.pages + "/" + p.pages_total;
    document.getElementById("p-ocr").textContent = p.pages_ocr;
    const failed = document.getElementById("p-failed");
    failed.textContent = p.files_failed;
    failed.classList.toggle("bad", p.files_failed > 0);
    const bar = document.getElementById("p-bar");
    bar.style.width = most.percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(most.percent));
    prog.dataset.painted = String(Number(prog.dataset.painted || 0) + 1);  // polls painted (tests wait on it)
    const st = document.getElementById("status");
    st.textContent = STATUS_VI[j.status] || j.status;
    st.className = "st st-" + j.status;
    const tbody = document.getElementById("p-rows");
    tbody.innerHTML = "";
    for (const f of j.files) {
      const tr = document.createElement("tr");
      tr.className = "fs-" + f.state;
      const pages = f.state === "error" && !f.pages_total ? "—" : f.pages_done + "/" + f.pages_total;  // never opened
      const cells = [f.name, f.kind, STATE_VI[f.state] || f.state, pages, String(f.pages_ocr)];
      cells.forEach((t, i) => {
        const td = document.createElement("td");
        td.textContent = t;
        if (i >= 3) td.className = "num";
        tr.appendChild(td);
      });
      const td = document.createElement("td");
      if (f.error) {
        const b = document.createElement("span");
        b.className = "bad";
        b.textContent = f.error.code || "";
        td.appendChild(b);
        td.appendChild(document.createTextNode(" " + (f.error.message || "")));
      }
      if (f.notes && f.notes.length) {
        const n = document.createElement("span");
        n.className = "notes";
        n.textContent = "Ghi chú khi đọc: " + f.notes.join("; ");
        td.appendChild(n);
      }
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
  }
  async function poll() {
    try {
      const r = await fetch("/ui/api/submissions/" + prog.dataset.id + "/progress", { credentials: "same-origin" });
      if (r.status === 401) { location.reload(); return; }
      const j = await r.json();
      paint(j);
      if (j.status === "done") { KC.toast("Đã kiểm tra xong; đang mở bảng thẩm định…"); setTimeout(() => location.reload(), 600); return; }
      if (j.status === "failed") { return; }
    } catch (e) { /* retry */ }
    setTimeout(poll, 1000);
  }
  if (prog) {
    const s = prog.dataset.status;
    if (s === "queued" || s === "running") poll();
    else document.getElementById("p-bar").style.width = "100%";
  }

  // ---------------------------------------------------------------- appraisal table
  const review = document.getElementById("review");
  if (!review) return;
  const sid = review.dataset.id;
  const rows = Array.from(document.querySelectorAll("#appraisal tr.crit"));
  const boxes = Array.from(document.querySelectorAll('input[name="verdict"]'));
  const sevSel = document.getElementById("severity");
  const undecided = document.getElementById("undecided");
  const KEY = "kc-filter-" + sid;
  let sel = -1;

  function visible() { return rows.filter((r) => !r.classList.contains("hidden")); }
  function checkedVerdicts() { return boxes.filter((b) => b.checked).map((b) => b.value); }
  function vq() {
    const v = checkedVerdicts();
    return v.length === boxes.length ? "" : v.join(",");
  }
  function apply() {
    const v = new Set(checkedVerdicts());
    const sev = sevSel.value;
    for (const r of rows) {
      let show = v.has(r.dataset.verdict);
      if (sev === "low") show = show && r.dataset.low === "1";
      else if (sev) show = show && r.dataset.sev.split(" ").includes(sev);
      if (undecided.checked) show = show && r.dataset.decided !== "1";
      r.classList.toggle("hidden", !show);
    }
    for (const f of document.querySelectorAll("#appraisal tr.field")) {
      const any = rows.some((r) => r.dataset.field === f.dataset.field && !r.classList.contains("hidden"));
      f.classList.toggle("hidden", !any);
    }
    for (const c of document.querySelectorAll("#appraisal tr.criterion")) {
      const any = rows.some((r) => r.dataset.criterion === c.dataset.criterion && !r.classList.contains("hidden"));
      c.classList.toggle("hidden", !any);
    }
    const n = visible().length;
    document.getElementById("shown").textContent = "Hiển thị " + n + "/" + rows.length + " tiêu chí thành phần";
    document.getElementById("no-match").classList.toggle("hidden", n > 0 || rows.length === 0);
    const q = vq();
    for (const r of rows) {
      const a = r.querySelector("td.code a");
      a.href = "/ui/submissions/" + sid + "/criteria/" + encodeURIComponent(r.dataset.code) + (q ? "?v=" + q : "");
    }
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ v: checkedVerdicts(), sev: sev, u: undecided.checked }));
    } catch (e) { /* private mode */ }
    if (sel >= 0 && rows[sel].classList.contains("hidden")) select(-1);
  }
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (saved) {
      boxes.forEach((b) => { b.checked = saved.v.includes(b.value); });
      sevSel.value = saved.sev || "";
      undecided.checked = !!saved.u;
    }
  } catch (e) { /* ignore */ }
  boxes.forEach((b) => b.addEventListener("change", apply));
  document.getElementById("clear-filters").addEventListener("click", () => {
    boxes.forEach((b) => { b.checked = true; });
    sevSel.value = "";
    undecided.checked = false;
    apply();
  });
  sevSel.addEventListener("change", apply);
  undecided.addEventListener("change", apply);
  apply();

  function select(i) {
    if (sel >= 0) rows[sel].classList.remove("sel");
    sel = i;
    if (sel >= 0) {
      rows[sel].classList.add("sel");
      rows[sel].scrollIntoView({ block: "nearest" });
      rows[sel].focus({ preventScroll: true });
    }
  }
  function move(d) {
    const vis = visible();
    if (!vis.length) return;
    const cur = sel >= 0 ? vis.indexOf(rows[sel]) : -1;
    const next = cur < 0 ? (d > 0 ? 0 : vis.length - 1) : Math.min(vis.length - 1, Math.max(0, cur + d));
    select(rows.indexOf(vis[next]));
  }
  // coming back from a criterion (#c-CODE): select it
  const m = location.hash.match(/^#c-(.+)$/);
  if (m) {
    const i = rows.findIndex((r) => r.dataset.code === decodeURIComponent(m[1]));
    if (i >= 0) select(i);
  }
  rows.forEach((r, i) => r.addEventListener("click", (ev) => { if (!ev.target.closest("a")) select(i); }));

  // an appraised subtotal and its progress, marked "tạm tính" while some of its sub-criteria are undecided
  function paintSum(sumId, progressId, t) {
    const sum = document.getElementById(sumId), prog = document.getElementById(progressId);
    if (prog) prog.textContent = "đã thẩm định " + t.decided + "/" + t.n;
    if (!sum) return;
    sum.textContent = t.decided ? KC.fmt(t.appraised) : "";
    if (t.partial) {
      const s = document.createElement("span");
      s.className = "partial";
      s.title = "Tổng tạm tính: mới thẩm định " + t.decided + "/" + t.n + " tiêu chí thành phần";
      s.textContent = "tạm tính";
      sum.append(" ", s);
    }
  }

  async function accept(r) {
    if (r.dataset.machine === "") { KC.toast("Máy chưa có điểm cho tiêu chí " + r.dataset.code + "; hãy mở và nhập điểm.", true); return; }
    try {
      const j = await KC.post("/ui/submissions/" + sid + "/criteria/" + encodeURIComponent(r.dataset.code) + "/decision",
        { action: "accept", csrf: KC.csrf() });
      const cell = r.querySelector("td.appraised");
      cell.innerHTML = "";
      const b = document.createElement("b");
      b.textContent = KC.fmt(j.decision.score);
      const mark = document.createElement("span");
      mark.className = "dm dm-accept";
      mark.title = "Giữ điểm theo minh chứng";
      mark.textContent = "Chấp nhận";
      cell.append(b, " ", mark);
      cell.title = j.decision.by + ", " + j.decision.at;
      cell.classList.add("flash");
      setTimeout(() => cell.classList.remove("flash"), 800);
      r.dataset.decided = "1";
      const t = j.totals;
      for (const [code, f] of Object.entries(t.fields)) paintSum("fa-" + code, "fd-" + code, f);
      for (const [code, c] of Object.entries(t.criteria || {})) paintSum("ca-" + code, "cd-" + code, c);
      paintSum("ta", "td", t);
      KC.toast("Đã chấp nhận điểm " + KC.fmt(j.decision.score) + " cho tiêu chí " + r.dataset.code);
      if (undecided.checked) { apply(); move(0); }
    } catch (e) { KC.toast(e.message, true); }
  }

  document.addEventListener("keydown", (ev) => {
    if (KC.typing(ev)) return;
    const r = sel >= 0 ? rows[sel] : null;
    switch (ev.key) {
      case "j": move(1); ev.preventDefault(); break;
      case "k": move(-1); ev.preventDefault(); break;
      case "Enter":
        if (r && (ev.target === document.body || ev.target === r)) { location.href = r.querySelector("td.code a").href; }
        break;
      case "e": case "o":
        if (r) { location.href = r.querySelector("td.code a").href; ev.preventDefault(); }
        break;
      case "a": if (r) { accept(r); ev.preventDefault(); } break;
      case "u": undecided.checked = !undecided.checked; apply(); break;
      case "x": document.getElementById("export-xlsx").click(); break;
      default: break;
    }
  });
});
