/* The regulator's charts (ECharts), drawn from the JSON the page embeds. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var blue = "#409eff", green = "#67c23a", orange = "#e6a23c", red = "#f56c6c", grey = "#909399";
  var charts = [];
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption(Object.assign({ textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif" } }, option));
    charts.push(chart);
  }
  var grid = { left: 50, right: 30, top: 40, bottom: 40, containLabel: true };
  draw("chart-month", {
    tooltip: { trigger: "axis" }, legend: { data: ["保单数", "保费（元）"] }, grid: grid,
    xAxis: { type: "category", data: data.month.map(function (r) { return r.month; }) },
    yAxis: [{ type: "value", name: "保单数", minInterval: 1 }, { type: "value", name: "保费" }],
    series: [
      { name: "保单数", type: "bar", data: data.month.map(function (r) { return r.policies; }), itemStyle: { color: blue } },
      { name: "保费（元）", type: "line", yAxisIndex: 1, data: data.month.map(function (r) { return r.premium; }), itemStyle: { color: orange } }
    ]
  });
  draw("chart-service", {
    tooltip: { trigger: "item" }, legend: { bottom: 0 },
    color: [grey, orange, blue, green],
    series: [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], data: data.service,
      label: { position: "inside", formatter: function (p) { return p.value ? p.value : ""; }, color: "#fff" } }]
  });
  draw("chart-insurer", {
    tooltip: { trigger: "axis" }, grid: grid,
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.insurer.map(function (r) { return r.name; }) },
    series: [{ type: "bar", data: data.insurer.map(function (r) { return r.premium; }), itemStyle: { color: blue } }]
  });
  draw("chart-county", {
    tooltip: { trigger: "axis" }, grid: grid,
    xAxis: { type: "category", data: data.county.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.county.map(function (r) { return r.policies; }), itemStyle: { color: green } }]
  });
  draw("chart-industry", {
    tooltip: { trigger: "axis" }, grid: grid,
    xAxis: { type: "category", data: data.industry.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.industry.map(function (r) {
      return { value: r.policies, itemStyle: { color: r.compulsory ? red : blue } };
    }) }]
  });
  draw("chart-fee-month", {
    tooltip: { trigger: "axis" }, legend: { data: ["收取服务费", "已支出"] }, grid: grid,
    xAxis: { type: "category", data: data.fee_month.map(function (r) { return r.month; }) },
    yAxis: { type: "value", name: "元" },
    series: [
      { name: "收取服务费", type: "bar", data: data.fee_month.map(function (r) { return r.collected; }), itemStyle: { color: blue } },
      { name: "已支出", type: "bar", data: data.fee_month.map(function (r) { return r.spent; }), itemStyle: { color: green } }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
