/* 理赔统计's chart (ECharts): each month's 报案数 and 结案数, and 赔款 against 保费, from the JSON the page embeds. */
(function () {
  "use strict";
  var source = document.getElementById("claim-chart-data");
  var el = document.getElementById("chart-claim-month");
  if (!source || !el || !window.echarts) return;
  var rows = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif" },
    tooltip: { trigger: "axis" },
    legend: { data: ["报案数", "结案数", "赔款（元）", "保费（元）"] },
    grid: { left: 50, right: 50, top: 40, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
    yAxis: [{ type: "value", name: "件数", minInterval: 1 }, { type: "value", name: "金额（元）" }],
    series: [
      { name: "报案数", type: "bar", data: rows.map(function (r) { return r.reported; }), itemStyle: { color: "#e6a23c" } },
      { name: "结案数", type: "bar", data: rows.map(function (r) { return r.settled; }), itemStyle: { color: "#67c23a" } },
      { name: "赔款（元）", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.paid; }), itemStyle: { color: "#f56c6c" } },
      { name: "保费（元）", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.premium; }), itemStyle: { color: "#409eff" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
