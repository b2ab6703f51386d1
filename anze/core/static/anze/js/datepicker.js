/* One date picker for every date field (issue 12): flatpickr with its Chinese locale, whatever the browser's
 * language. The field submits ISO yyyy-mm-dd (filters and query strings unchanged) and shows yyyy年mm月dd日.
 * A 开始/结束 pair of a search form (.sf-item[data-date-range]) gets Element's shortcuts: 最近一周 /
 * 最近一个月 / 最近三个月. Runs on input[data-datepicker] and input[type=date], on page load and after every
 * htmx swap (htmx:load). Static file, no inline script (Content-Security-Policy). */
(function () {
  "use strict";

  var SHORTCUTS = [
    ["最近一周", 7],
    ["最近一个月", 30],
    ["最近三个月", 90],
  ];
  var SELECTOR = "input[data-datepicker], input[type=date]";

  function daysAgo(days) {
    var d = new Date();
    d.setHours(0, 0, 0, 0);
    d.setDate(d.getDate() - days);
    return d;
  }

  function addShortcuts(start, end) {
    [start, end].forEach(function (picker) {
      var box = document.createElement("div");
      box.className = "anze-date-shortcuts";
      SHORTCUTS.forEach(function (item) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = item[0];
        button.dataset.days = String(item[1]);
        button.addEventListener("click", function () {
          start.setDate(daysAgo(item[1]), true);
          end.setDate(daysAgo(0), true);
          picker.close();
        });
        box.appendChild(button);
      });
      picker.calendarContainer.classList.add("has-shortcuts");
      picker.calendarContainer.insertBefore(box, picker.calendarContainer.firstChild);
    });
  }

  // Typed dates: 2026-03-01, 2026/3/1 or 2026年03月01日, whichever the user (or a test) types.
  function parseTyped(text) {
    var m = /^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\s*$/.exec(String(text));
    if (!m) return undefined;
    var d = new Date(+m[1], +m[2] - 1, +m[3]);
    return d.getMonth() === +m[2] - 1 ? d : undefined;
  }

  function attach(input) {
    if (input._flatpickr || !window.flatpickr) return input._flatpickr;
    var placeholder = input.getAttribute("placeholder") || "选择日期";
    return window.flatpickr(input, {
      locale: (window.flatpickr.l10ns && window.flatpickr.l10ns.zh) || "default",
      dateFormat: "Y-m-d",
      altInput: true,
      altFormat: "Y年m月d日",
      allowInput: true,
      parseDate: function (value) {
        return value instanceof Date ? value : parseTyped(value);
      },
      disableMobile: true,
      // In a dialog the calendar sits beside its field, inside the modal: Bootstrap's focus trap would pull
      // the focus back from a calendar appended to <body>.
      static: !!input.closest(".modal"),
      onReady: function (dates, value, picker) {
        picker.altInput.setAttribute("placeholder", placeholder);
        if (input.getAttribute("aria-label")) picker.altInput.setAttribute("aria-label", input.getAttribute("aria-label"));
        picker.altInput.classList.add("anze-date");
        // The label names the field the user sees and types into.
        if (input.id) {
          picker.altInput.id = input.id;
          input.id = input.id + "_value";
        }
      },
    });
  }

  function init(root) {
    if (!root || !root.querySelectorAll) return;
    var inputs = root.matches && root.matches(SELECTOR) ? [root] : [];
    inputs = inputs.concat(Array.prototype.slice.call(root.querySelectorAll(SELECTOR)));
    inputs.forEach(attach);
    var ranges = root.matches && root.matches("[data-date-range]") ? [root] : [];
    ranges = ranges.concat(Array.prototype.slice.call(root.querySelectorAll("[data-date-range]")));
    ranges.forEach(function (range) {
      if (range.dataset.shortcuts) return;
      var pickers = Array.prototype.slice
        .call(range.querySelectorAll("input"))
        .map(function (input) { return input._flatpickr; })
        .filter(Boolean);
      if (pickers.length === 2) {
        range.dataset.shortcuts = "1";
        addShortcuts(pickers[0], pickers[1]);
      }
    });
  }

  document.addEventListener("htmx:load", function (evt) { init(evt.target); });
  document.addEventListener("DOMContentLoaded", function () { init(document.body); });
})();
