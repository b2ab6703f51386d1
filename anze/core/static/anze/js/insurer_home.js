/* The insurer's home chart (ECharts): 报价 and 出函 by month (bars) and 出函 premium (line), from the JSON the
 * page embeds (policies/partials/home_figures.html). */
(function () {
  "use strict";
  var source = document.getElementById("insurer-chart-data");
  var el = document.getElementById("chart-insurer-months");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif" },
    tooltip: { trigger: "axis" },
    legend: { bottom: 0, data: ["报价（单）", "出函（单）", "出函保费（元）"] },
    grid: { left: 50, right: 30, top: 40, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: data.month },
    yAxis: [{ type: "value", name: "单数", minInterval: 1 }, { type: "value", name: "保费（元）" }],
    series: [
      { name: "报价（单）", type: "bar", data: data.quotes, itemStyle: { color: "#409eff" } },
      { name: "出函（单）", type: "bar", data: data.issued, itemStyle: { color: "#67c23a" } },
      { name: "出函保费（元）", type: "line", yAxisIndex: 1, data: data.premium, itemStyle: { color: "#e6a23c" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
