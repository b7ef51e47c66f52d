// kiemchung: small helpers shared by every page (no build step, no network beyond this server).
"use strict";
window.KC = (function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  function toast(msg, isErr) {
    const t = document.getElementById("toast");
    if (!t) return;
    t.textContent = msg;
    t.classList.toggle("err", !!isErr);
    t.classList.add("show");
    clearTimeout(t._h);
    t._h = setTimeout(() => t.classList.remove("show"), isErr ? 5000 : 2200);
  }
  async function post(url, data) {
    const body = new URLSearchParams(data);
    const r = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf() },
    });
    let j = null;
    try { j = await r.json(); } catch (e) { j = null; }
    if (!r.ok) throw new Error((j && j.error && j.error.message_vi) || ("Lỗi " + r.status));
    return j;
  }
  // WCAG 2.1.4: single-character shortcuts can be turned off (the choice is kept in this browser)
  let single = true;
  try { single = localStorage.getItem("kc-single-key") !== "off"; } catch (e) { /* private mode */ }
  function typing(ev) {
    if (!single && ev.key && ev.key.length === 1) return true;  // a character key: not a shortcut any more
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || !t) return ev.ctrlKey || ev.metaKey || ev.altKey;
    if (t.tagName === "INPUT") return !/^(checkbox|radio|button|submit|reset)$/.test(t.type);
    return t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName);
  }
  function fmt(v) {
    if (v === null || v === undefined || v === "") return "—";
    return String(Math.round(Number(v) * 100) / 100).replace(".", ",");
  }
  document.addEventListener("keydown", (ev) => {
    if (typing(ev)) return;
    if (ev.key === "?") {
      const k = document.getElementById("keys");
      if (k) k.classList.toggle("hidden");
    }
  });
  document.addEventListener("click", (ev) => {
    const back = ev.target.closest("[data-back]");
    if (back && history.length > 1) { ev.preventDefault(); history.back(); }
  });
  document.addEventListener("DOMContentLoaded", () => {
    const on = document.getElementById("keys-on");
    if (!on) return;
    on.checked = single;
    on.addEventListener("change", () => {
      single = on.checked;
      try { localStorage.setItem("kc-single-key", single ? "on" : "off"); } catch (e) { /* private mode */ }
      toast(single ? "Đã bật phím tắt một phím." : "Đã tắt phím tắt một phím; Esc vẫn dùng được.");
    });
    // the shortcut bar is hidden on narrow screens (≤ 760 px): the same switch then sits in the folded menu
    const label = on.closest("label");
    const slot = document.getElementById("menu-keys");
    if (!label || !slot || !window.matchMedia) return;
    const home = label.parentNode, next = label.nextSibling;
    const narrow = window.matchMedia("(max-width: 760px)");
    function place() {
      if (narrow.matches) slot.appendChild(label);
      else home.insertBefore(label, next);
      slot.hidden = !narrow.matches;
    }
    place();
    narrow.addEventListener("change", place);
  });
  // narrow screens: the header's navigation and account fold behind the menu button
  document.addEventListener("DOMContentLoaded", () => {
    const top = document.getElementById("top");
    const button = document.getElementById("menu-button");
    if (!top || !button) return;
    function open(on) {
      top.classList.toggle("open", on);
      button.setAttribute("aria-expanded", on ? "true" : "false");
    }
    button.addEventListener("click", () => open(button.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && top.classList.contains("open")) {
        open(false);
        button.focus();
        ev.stopImmediatePropagation();
      }
    }, true);
    document.addEventListener("click", (ev) => { if (!top.contains(ev.target)) open(false); });
  });
  // submissions list: whole rows are links; refresh while something is being read
  document.addEventListener("DOMContentLoaded", () => {
    const list = document.getElementById("list");
    if (!list) return;
    list.addEventListener("click", (ev) => {
      const tr = ev.target.closest("tr[data-href]");
      if (tr && !ev.target.closest("a")) location.href = tr.dataset.href;
    });
    async function refresh() {
      if (list.dataset.live !== "1") return;
      const u = new URL(location.href);
      u.searchParams.set("partial", "1");
      try {
        const r = await fetch(u, { credentials: "same-origin" });
        if (r.ok) {
          list.innerHTML = await r.text();
          list.dataset.live = list.querySelector('tr[data-status="queued"], tr[data-status="running"]') ? "1" : "0";
        }
      } catch (e) { /* try again */ }
      if (list.dataset.live === "1") setTimeout(refresh, 2000);
    }
    setTimeout(refresh, 2000);
  });
  return { csrf, toast, post, typing, fmt };
})();
