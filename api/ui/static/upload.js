// Upload: drag a ZIP (or a sheet plus files) onto the drop zone; the upload shows its progress,
// then the submission page shows the reading progress live.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  const drop = document.getElementById("drop");
  const input = document.getElementById("files");
  const chosen = document.getElementById("chosen");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const err = document.getElementById("upload-error");
  const problem = document.getElementById("upload-problem");
  const button = document.getElementById("submit");
  const rubric = document.getElementById("rubric");
  const templateLink = document.getElementById("template-link");

  function templateUrl() { return "/ui/rubrics/" + encodeURIComponent(rubric.value) + "/template.xlsx"; }
  rubric.addEventListener("change", () => { templateLink.href = templateUrl(); });
  function quoted(list) { return list.map((h) => "“" + h + "”").join(", "); }
  // what was wrong, with which file; for a sheet without a header row, the headers found against those
  // expected; for a missing or unreadable sheet, the template to download
  function showProblem(message, e) {
    err.textContent = message;
    const sheet = e && e.sheet;
    document.getElementById("sheet-headers").classList.toggle("hidden", !sheet);
    if (sheet) {
      document.getElementById("sh-file").textContent = sheet.file;
      document.getElementById("sh-found").textContent = (sheet.found.length ? quoted(sheet.found) : "không có ô nào");
      const known = Object.entries(sheet.recognised).map(([label, h]) => "“" + h + "” (" + label + ")");
      document.getElementById("sh-recognised").textContent = known.length ? known.join(", ") : "không cột nào";
      document.getElementById("sh-missing").textContent = sheet.missing.join(", ");
      document.getElementById("sh-expected").textContent = sheet.expected.join(", ");
    }
    document.getElementById("error-template").classList.toggle("hidden", !(e && e.template_url));
    if (e && e.template_url) document.getElementById("error-template-link").href = e.template_url;
    problem.classList.remove("hidden");
  }

  function size(n) {
    return n > 1048576 ? (n / 1048576).toFixed(1).replace(".", ",") + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  }
  function show() {
    chosen.innerHTML = "";
    for (const f of input.files) {
      const li = document.createElement("li");
      li.textContent = f.name + " (" + size(f.size) + ")";
      chosen.appendChild(li);
    }
  }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (ev) => {
    ev.preventDefault(); drop.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (ev) => {
    ev.preventDefault(); drop.classList.remove("over");
  }));
  drop.addEventListener("drop", (ev) => {
    if (ev.dataTransfer && ev.dataTransfer.files.length) {
      input.files = ev.dataTransfer.files;
      show();
    }
  });
  // the file input inside the drop zone is the keyboard's stop: Space opens the chooser natively, Enter too
  // (Chromium ignores input.click() from a key handler inside the label; showPicker() is the supported call)
  input.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    try { input.showPicker(); } catch (e) { input.click(); }
  });

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!input.files.length) { showProblem("Chưa chọn tệp nào.", null); return; }
    problem.classList.add("hidden");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", KC.csrf());
    bar.classList.remove("hidden");
    button.disabled = true;
    status.textContent = "Đang tải lên…";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round((100 * e.loaded) / e.total);
        status.textContent = "Đang tải lên " + bar.value + "%";
      }
    };
    xhr.upload.onload = () => { status.textContent = "Đã tải lên; đang mở hồ sơ…"; };
    xhr.onload = () => {
      let j = null;
      try { j = JSON.parse(xhr.responseText); } catch (e) { j = null; }
      if (xhr.status >= 200 && xhr.status < 300 && j && j.url) {
        location.href = j.url;
        return;
      }
      button.disabled = false;
      bar.classList.add("hidden");
      status.textContent = "";
      showProblem((j && j.error && (j.error.message_vi || j.error.message)) || ("Tải lên không thành công (mã " + xhr.status + ")."),
                  j && j.error);
    };
    xhr.onerror = () => {
      button.disabled = false;
      showProblem("Mất kết nối tới máy chủ khi tải lên.", null);
    };
    xhr.send(new FormData(form));
  });
});
