/* Dialogs, toasts, confirmations and upload checks for htmx pages. Every page works without this file:
 * links open full pages and forms post normally; this only makes them dialogs and in-place updates. */
(function () {
  "use strict";

  // 422 = a form with errors: swap it into the dialog like a 200. 204 = done: nothing to swap.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false },
  ];

  // Tabler bundles Bootstrap's components under window.tabler.
  var Modal = (window.tabler && window.tabler.Modal) || (window.bootstrap && window.bootstrap.Modal);

  var modalEl = null;
  var modal = null;

  function getModal() {
    modalEl = modalEl || document.getElementById("anze-modal");
    if (modalEl && !modal) modal = Modal.getOrCreateInstance(modalEl);
    return modal;
  }

  // link: {url, label} — a page the message points to (前往下载中心); such a toast stays longer.
  function toast(message, tone, link) {
    var box = document.getElementById("anze-toasts");
    if (!box || !message) return;
    var el = document.createElement("div");
    var icons = { success: "circle-check", danger: "circle-x", warning: "alert-circle", info: "info-circle" };
    el.className = "anze-toast " + (tone || "success");
    el.setAttribute("role", "alert");
    var icon = document.createElement("i");
    icon.className = "ti ti-" + (icons[tone] || icons.success);
    var text = document.createElement("span");
    text.textContent = message;
    el.appendChild(icon);
    el.appendChild(text);
    if (link && link.url) {
      var a = document.createElement("a");
      a.href = link.url;
      a.textContent = link.label || link.url;
      el.appendChild(a);
    }
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, tone === "danger" || link ? 6000 : 3000);
  }
  window.anzeToast = toast;

  document.addEventListener("htmx:afterSwap", function (evt) {
    var target = evt.detail.target;
    if (target && target.id === "anze-modal-content") {
      var m = getModal();
      if (!modalEl.classList.contains("show")) m.show();
      // The first field in error, else the one marked autofocus, else the first field; after the dialog's
      // fade-in and htmx's settling (which puts the new classes, .is-invalid among them, on), and not if the
      // user has already gone to a field of it (focus taken from under typing moves what is typed elsewhere).
      setTimeout(function () {
        if (target.contains(document.activeElement)) return;
        var first = target.querySelector(".is-invalid") || target.querySelector("[autofocus]") ||
          target.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
        if (first) first.focus();
      }, 150);
    }
  });

  document.addEventListener("anze:done", function (evt) {
    var detail = evt.detail || {};
    var m = getModal();
    if (m && modalEl.classList.contains("show")) m.hide();
    toast(detail.message, "success", detail.link ? { url: detail.link, label: detail.link_label } : null);
    if (detail.refresh !== false) htmx.trigger(document.body, "anze:refresh");
  });

  document.addEventListener("anze:error", function (evt) {
    toast((evt.detail || {}).message, "danger");
  });

  document.addEventListener("htmx:responseError", function (evt) {
    var status = evt.detail.xhr.status;
    var messages = { 403: "没有该操作的权限", 404: "记录不存在或已被删除", 413: "文件过大", 429: "操作过于频繁，请稍后再试" };
    toast(messages[status] || "操作失败，请稍后重试（" + status + "）", "danger");
  });

  document.addEventListener("htmx:sendError", function () {
    toast("网络连接失败，请检查网络后重试", "danger");
  });

  // Confirmation as an Element-style message box instead of window.confirm.
  document.addEventListener("htmx:confirm", function (evt) {
    var question = evt.detail.question;
    if (!question) return;
    evt.preventDefault();
    var box = document.getElementById("anze-confirm");
    box.querySelector("[data-question]").textContent = question;
    var ok = box.querySelector("[data-ok]");
    var confirmModal = Modal.getOrCreateInstance(box);
    // Bootstrap ignores hide() while the box is still fading in: a quick 确定 would leave it open over the
    // updated page. Then it is hidden as soon as it is shown.
    var shown = false;
    var confirmed = false;
    box.addEventListener("shown.bs.modal", function () {
      shown = true;
      if (confirmed) confirmModal.hide();
    }, { once: true });
    var handler = function () {
      ok.removeEventListener("click", handler);
      confirmed = true;
      if (shown) confirmModal.hide();
      evt.detail.issueRequest(true);
    };
    ok.addEventListener("click", handler);
    box.addEventListener("hidden.bs.modal", function () { ok.removeEventListener("click", handler); }, { once: true });
    confirmModal.show();
  });

  // Upload drop zones: show the chosen file, check type and size in the browser (the server checks again).
  function describe(input) {
    var zone = input.closest("[data-dropzone]");
    if (!zone) return;
    var list = zone.parentElement.querySelector("[data-file-list]");
    var error = zone.parentElement.querySelector("[data-file-error]");
    var max = parseInt(zone.dataset.maxBytes || "0", 10);
    var accept = (zone.dataset.accept || "").split(",").filter(Boolean);
    list.innerHTML = "";
    error.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var ext = "." + file.name.split(".").pop().toLowerCase();
      if (accept.length && accept.indexOf(ext) < 0) {
        error.textContent = zone.dataset.typeMessage || "文件类型不正确";
      } else if (max && file.size > max) {
        error.textContent = zone.dataset.sizeMessage || "文件过大";
      }
      var row = document.createElement("div");
      row.className = "dz-file";
      row.innerHTML = '<i class="ti ti-file"></i><span></span><button type="button" title="移除">×</button>';
      row.querySelector("span").textContent = file.name;
      row.querySelector("button").addEventListener("click", function () {
        input.value = "";
        list.innerHTML = "";
        error.textContent = "";
      });
      list.appendChild(row);
    });
    if (error.textContent) input.value = "";
  }

  document.addEventListener("change", function (evt) {
    if (evt.target.matches("[data-dropzone] input[type=file]")) describe(evt.target);
  });
  // A file kept from a refused submission: 移除 drops its token and shows the drop zone again.
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-kept-remove]");
    if (!button) return;
    var upload = button.closest(".dz-upload");
    button.closest("[data-kept]").remove();
    upload.querySelectorAll("[data-kept-picker]").forEach(function (el) { el.hidden = false; });
  });
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (evt) {
      var zone = evt.target.closest && evt.target.closest("[data-dropzone]");
      if (zone) zone.classList.add("dragover");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    document.addEventListener(name, function (evt) {
      var zone = evt.target.closest && evt.target.closest("[data-dropzone]");
      if (zone) zone.classList.remove("dragover");
    });
  });

  // Role editor: 全选 and group check boxes, with the half-checked state of el-tree.
  function syncTree(tree) {
    tree.querySelectorAll(".group").forEach(function (group) {
      var boxes = group.querySelectorAll("input[name=permissions]");
      var checked = group.querySelectorAll("input[name=permissions]:checked").length;
      var head = group.querySelector("[data-check-group]");
      head.checked = boxes.length > 0 && checked === boxes.length;
      head.indeterminate = checked > 0 && checked < boxes.length;
    });
    var all = tree.querySelectorAll("input[name=permissions]").length;
    var allChecked = tree.querySelectorAll("input[name=permissions]:checked").length;
    var master = tree.querySelector("[data-check-all]");
    master.checked = all > 0 && allChecked === all;
    master.indeterminate = allChecked > 0 && allChecked < all;
  }

  document.addEventListener("change", function (evt) {
    var el = evt.target;
    var tree = el.closest && el.closest("[data-perm-tree]");
    if (!tree) return;
    if (el.matches("[data-check-all]")) {
      tree.querySelectorAll("input[name=permissions]").forEach(function (cb) { if (!cb.disabled) cb.checked = el.checked; });
    } else if (el.matches("[data-check-group]")) {
      el.closest(".group").querySelectorAll("input[name=permissions]").forEach(function (cb) {
        if (!cb.disabled) cb.checked = el.checked;
      });
    }
    syncTree(tree);
  });

  function init(root) {
    root.querySelectorAll("[data-perm-tree]").forEach(syncTree);
  }
  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });

  // Page size: the select submits its form (an inline onchange would need 'unsafe-inline').
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("select[data-autosubmit]")) evt.target.form.submit();
  });

  // 取消 on a full-page form with no cancel_url goes back (instead of a javascript: link).
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("[data-history-back]");
    if (!link) return;
    evt.preventDefault();
    history.back();
  });

  // Show server messages (after a redirect) as toasts.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-flash]").forEach(function (el) {
      toast(el.dataset.flash, el.dataset.tone || "success");
    });
    init(document);
  });
})();
