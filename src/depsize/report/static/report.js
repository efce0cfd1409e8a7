/* depsize HTML report: the zoomable treemap and the sortable table.
   Everything from the scanned environment arrives as JSON text and reaches the page only
   through textContent and attribute setters: never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("depsize-data").textContent);
  var total = data.total || 1;
  var map = document.getElementById("treemap");
  var crumbs = document.getElementById("crumbs");
  var tip = document.getElementById("tip");
  var UNITS = ["B", "kB", "MB", "GB", "TB", "PB"];

  function human(size) {
    var value = size;
    for (var i = 0; i < UNITS.length; i++) {
      if (Math.abs(value) < 1000 || i === UNITS.length - 1) {
        if (i === 0) return Math.round(value) + " B";
        return (Math.abs(value) < 100 ? value.toFixed(1) : value.toFixed(0)) + " " + UNITS[i];
      }
      value /= 1000;
    }
  }
  function percent(part) {
    var p = 100 * part / total;
    return (p >= 10 ? p.toFixed(0) : p >= 0.1 ? p.toFixed(1) : "<0.1") + "%";
  }
  function colour(key) { return data.colours[key] || "var(--other)"; }

  var root = d3.hierarchy(data.tree, function (d) { return d.k; })
    .sum(function (d) { return d.k ? 0 : d.v; })
    .sort(function (a, b) { return b.value - a.value; });
  var focus = root;
  var layout = d3.treemap().tile(d3.treemapSquarify)
    .paddingOuter(2).paddingInner(1)
    .paddingTop(function (d) { return d.depth === 1 ? 16 : 2; });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function lines(node) {
    var out = [node.data.n, human(node.value) + " · " + percent(node.value) + " of the environment"];
    if (node.data.d) out.push(node.data.d);
    for (var up = node.parent, path = []; up && up.parent; up = up.parent) path.unshift(up.data.n);
    if (path.length) out.push("in " + path.join(" › "));
    return out;
  }
  function showTip(node, x, y) {
    tip.textContent = "";
    lines(node).forEach(function (text, i) { tip.appendChild(el("div", i ? "" : "t", text)); });
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(x + 12, window.innerWidth - w - 4)) + "px";
    tip.style.top = Math.max(4, Math.min(y + 12, window.innerHeight - h - 4)) + "px";
  }
  function hideTip() { tip.hidden = true; }

  function cell(node, original, w, h) {
    var div = el("div", "cell" + (node.depth > 1 ? " inner" : ""));
    div.style.left = node.x0 + "px";
    div.style.top = node.y0 + "px";
    div.style.width = Math.max(0, node.x1 - node.x0) + "px";
    div.style.height = Math.max(0, node.y1 - node.y0) + "px";
    div.style.setProperty("--c", colour(node.data.c));
    div.setAttribute("data-depth", String(node.depth));
    div.setAttribute("data-key", node.data.c);
    div.setAttribute("data-name", node.data.n);
    div.setAttribute("data-bytes", String(node.value));
    if (node.depth === 1) {
      div.tabIndex = 0;
      div.setAttribute("role", "button");
      div.setAttribute("aria-label", lines(original).join(", "));
      div.addEventListener("click", function () { zoom(original); });
      div.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); zoom(original); }
      });
      div.addEventListener("mousemove", function (e) { showTip(original, e.clientX, e.clientY); });
      div.addEventListener("mouseleave", hideTip);
      div.addEventListener("focus", function () {
        var r = div.getBoundingClientRect();
        showTip(original, r.left, r.top);
      });
      div.addEventListener("blur", hideTip);
    }
    if (w > 30 && h > 13) {
      div.appendChild(el("span", "label", node.data.n + (w > 90 ? " " + human(node.value) : "")));
    }
    return div;
  }

  function draw() {
    var width = map.clientWidth;
    var height = Math.max(220, Math.min(560, Math.round(width * 0.62)));
    map.style.height = height + "px";
    var laid = layout.size([width, height])(focus.copy());
    var frag = document.createDocumentFragment();
    var originals = focus.children || [];
    (laid.children || []).forEach(function (child, i) {
      frag.appendChild(cell(child, originals[i], child.x1 - child.x0, child.y1 - child.y0));
      (child.children || []).forEach(function (grand) {
        var w = grand.x1 - grand.x0, h = grand.y1 - grand.y0;
        if (w * h >= 6) frag.appendChild(cell(grand, grand, w, h));
      });
    });
    map.textContent = "";
    map.appendChild(frag);
    drawCrumbs();
  }

  function drawCrumbs() {
    crumbs.textContent = "";
    focus.ancestors().reverse().forEach(function (node) {
      var button = el("button", "", node.parent ? node.data.n : "environment " + human(node.value));
      button.type = "button";
      if (node === focus) button.setAttribute("aria-current", "location");
      button.addEventListener("click", function () { zoom(node); });
      crumbs.appendChild(button);
    });
  }

  function zoom(node) {
    if (!node) return;
    hideTip();
    focus = node.children ? node : node.parent || root;
    draw();
    var first = map.querySelector('.cell[data-depth="1"]');
    if (first) first.focus({ preventScroll: true });
  }
  map.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Backspace") && focus.parent) {
      e.preventDefault();
      zoom(focus.parent);
    }
  });

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; draw(); });
  });

  function sortTable(table, column, th) {
    var body = table.tBodies[0];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.classList.contains("num");
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-v"), y = b.cells[column].getAttribute("data-v");
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = th.querySelector("button");
      if (button) button.addEventListener("click", function () { sortTable(table, column, th); });
    });
  });

  draw();
  document.documentElement.setAttribute("data-render-ms", performance.now().toFixed(1));
})();
