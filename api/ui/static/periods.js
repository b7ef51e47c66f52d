// Criterion page of a document-set criterion: the per-period checklist (templates/_periods.html).
// A period's link opens its evidence in the viewer (viewer.js) by handing the click to the quote of the
// finding that decided the period, the element the viewer listens to; without that quote (or without this
// script) the link reloads the page on that evidence (#ev=N, read by the viewer on load). A missing period
// has no page to show: its note is moved above the evidence page, which shows the other periods' documents.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("evidence-data");
  const items = data ? JSON.parse(data.textContent) : [];
  document.querySelectorAll("a.period-ev").forEach((a) => {
    a.addEventListener("click", (ev) => {
      const n = parseInt(a.dataset.item, 10);
      const it = items[n];
      if (!it) return;
      ev.preventDefault();
      const q = it.kind === "evidence" &&
        document.querySelector('blockquote.ev[data-finding="' + it.finding + '"][data-ev="' + it.ev + '"]');
      if (q) { q.click(); return; }
      location.hash = "ev=" + n;
      location.reload();
    });
  });
  const note = document.getElementById("periods-vnote");
  const viewer = document.getElementById("viewer");
  const info = document.getElementById("ev-info");
  if (note && viewer && info) {
    viewer.insertBefore(note, info);
    note.hidden = false;
  }
});
