// Draws every <figure class="graph" data-graph='JSON'> on the page as an SVG graph. The contract:
//   {"nodes": [{"id": "...", "label": "...", "href": a path here ("/id/project/x") or null,
//               "kind": "project" | "organization" | "foundation" | "literal" | "other"}],
//    "edges": [{"source": "node id", "target": "node id", "label": "..."}]}
// The server writes what the figure says in words (a caption, a table of the edges) for pages read
// without scripts; the drawing goes in after the figcaption, with a legend of the node colours.
// The layout is force-directed, computed once and the same on every load (no randomness: the
// nodes start on a circle). Nodes can be dragged; a node with an href is a link, in the tab order.
// No framework, no network.
"use strict";
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var KINDS = ["project", "organization", "foundation", "literal", "other"];
  var NAMES = { project: "project", organization: "organization", foundation: "foundation", literal: "value", other: "other resource" };
  var RADIUS = 9, ITERATIONS = 300, LABEL = 26, drawn = 0;

  function make(name, attributes, parent) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(element);
    return element;
  }

  function short(text) {
    return text.length > LABEL ? text.slice(0, LABEL - 1) + "…" : text;
  }

  // Fruchterman-Reingold: nodes push each other apart (only near ones, else unlinked parts fly
  // off), edges pull their ends together towards a length of k, a pull to the centre keeps the
  // parts together, and the moves shrink as the layout cools.
  function layout(nodes, edges) {
    var n = nodes.length, k = 110, side = Math.max(2 * k, k * Math.sqrt(n));
    nodes.forEach(function (node, i) {
      var angle = 2 * Math.PI * i / n - Math.PI / 2;
      node.x = n > 1 ? side / 3 * Math.cos(angle) : 0;
      node.y = n > 1 ? side / 3 * Math.sin(angle) : 0;
    });
    for (var step = 0; step < ITERATIONS; step++) {
      var heat = side / 8 * (1 - step / ITERATIONS) + 0.5;
      nodes.forEach(function (node) { node.dx = -0.05 * node.x; node.dy = -0.05 * node.y; });
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var a = nodes[i], b = nodes[j], x = a.x - b.x, y = a.y - b.y, d = Math.max(Math.hypot(x, y), 0.01);
          if (d > 3 * k) continue;
          var push = k * k / d / d;
          a.dx += x * push; a.dy += y * push; b.dx -= x * push; b.dy -= y * push;
        }
      }
      edges.forEach(function (edge) {
        var s = edge.from, t = edge.to, x = s.x - t.x, y = s.y - t.y, d = Math.max(Math.hypot(x, y), 0.01);
        var pull = d / k;
        s.dx -= x * pull; s.dy -= y * pull; t.dx += x * pull; t.dy += y * pull;
      });
      nodes.forEach(function (node) {
        var d = Math.max(Math.hypot(node.dx, node.dy), 0.01), move = Math.min(d, heat) / d;
        node.x += node.dx * move; node.y += node.dy * move;
      });
    }
  }

  // Edges between the same two nodes bend apart, so that each one and its label can be seen.
  function spread(edges) {
    var groups = {};
    edges.forEach(function (edge) {
      var pair = [edge.from.id, edge.to.id].sort().join("\u0000");
      (groups[pair] = groups[pair] || []).push(edge);
    });
    Object.keys(groups).forEach(function (pair) {
      var group = groups[pair];
      group.forEach(function (edge, i) {
        var bend = (i - (group.length - 1) / 2) * 28;
        edge.bend = edge.from.id < edge.to.id ? bend : -bend;
      });
    });
  }

  function route(edge) {
    var s = edge.from, t = edge.to;
    if (s === t) {  // a loop
      return { path: "M" + (s.x + 6) + "," + (s.y - 7) + " C" + (s.x + 45) + "," + (s.y - 50) + " " + (s.x + 55) + "," +
        (s.y + 10) + " " + (s.x + RADIUS + 2) + "," + (s.y + 2), x: s.x + 42, y: s.y - 18 };
    }
    var x = t.x - s.x, y = t.y - s.y, d = Math.max(Math.hypot(x, y), 0.01);
    var cx = (s.x + t.x) / 2 - y / d * edge.bend * 2, cy = (s.y + t.y) / 2 + x / d * edge.bend * 2;
    var ex = t.x - cx, ey = t.y - cy, e = Math.max(Math.hypot(ex, ey), 0.01), gap = RADIUS + 3;
    return {
      path: "M" + s.x + "," + s.y + " Q" + cx + "," + cy + " " + (t.x - ex / e * gap) + "," + (t.y - ey / e * gap),
      x: (s.x + t.x) / 2 - y / d * edge.bend, y: (s.y + t.y) / 2 + x / d * edge.bend,
    };
  }

  function place(edge) {
    var at = route(edge);
    edge.line.setAttribute("d", at.path);
    edge.text.setAttribute("x", at.x);
    edge.text.setAttribute("y", at.y);
  }

  function bounds(nodes) {
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var left = Math.min.apply(null, xs) - 90, top = Math.min.apply(null, ys) - 30;
    var width = Math.max(Math.max.apply(null, xs) + 90 - left, 300), height = Math.max.apply(null, ys) + 40 - top;
    return [left, top, width, height].map(Math.round).join(" ");
  }

  function point(svg, event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }

  // The dot of a node with a page is a link: an HTML one (in a foreignObject), like every other
  // link of the page, named by the node's label, which the keyboard reaches. A click on the label
  // follows it too.
  function drawNode(layer, node) {
    var group = make("g", { class: "node kind-" + node.kind + (node.href ? " linked" : "") }, layer);
    if (node.kind === "literal") make("rect", { x: -RADIUS, y: -RADIUS * 0.7, width: 2 * RADIUS, height: 1.4 * RADIUS, rx: 2 }, group);
    else make("circle", { r: RADIUS }, group);
    make("title", {}, group).textContent = node.label;
    make("text", { y: RADIUS + 13, "text-anchor": "middle", "aria-hidden": "true" }, group).textContent = short(node.label);
    if (node.href) {
      var box = make("foreignObject", { x: -RADIUS - 2, y: -RADIUS - 2, width: 2 * RADIUS + 4, height: 2 * RADIUS + 4 }, group);
      node.link = box.appendChild(document.createElement("a"));
      node.link.href = node.href;
      var name = node.link.appendChild(document.createElement("span"));
      name.textContent = node.label + " (" + NAMES[node.kind] + ")";
    }
    node.element = group;
    move(node);
  }

  function move(node) {
    node.element.setAttribute("transform", "translate(" + node.x + "," + node.y + ")");
    node.edges.forEach(place);
  }

  // A node follows the pointer once it has moved a few pixels; a link dragged is not followed.
  function draggable(svg, node) {
    var dragged = false;
    node.element.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      var start = point(svg, event), x0 = event.clientX, y0 = event.clientY, from = { x: node.x, y: node.y };
      dragged = false;
      function follow(e) {
        if (!dragged && Math.hypot(e.clientX - x0, e.clientY - y0) < 4) return;
        dragged = true;
        var p = point(svg, e);
        node.x = from.x + p.x - start.x; node.y = from.y + p.y - start.y;
        move(node);
      }
      function stop() {
        window.removeEventListener("pointermove", follow);
        window.removeEventListener("pointerup", stop);
        window.removeEventListener("pointercancel", stop);
      }
      window.addEventListener("pointermove", follow);
      window.addEventListener("pointerup", stop);
      window.addEventListener("pointercancel", stop);
    });
    node.element.addEventListener("click", function (event) {
      if (dragged) { event.preventDefault(); dragged = false; }
      else if (node.link && event.target !== node.link) node.link.click();
    });
  }

  function legend(nodes) {
    var list = document.createElement("ul");
    list.className = "graph-legend";
    KINDS.forEach(function (kind) {
      if (!nodes.some(function (n) { return n.kind === kind; })) return;
      var item = document.createElement("li"), swatch = document.createElement("span");
      swatch.className = "swatch kind-" + kind;
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(NAMES[kind]));
      list.appendChild(item);
    });
    return list;
  }

  function draw(figure) {
    var data = JSON.parse(figure.getAttribute("data-graph"));
    var byId = {}, nodes = data.nodes.map(function (n) {
      var kind = KINDS.indexOf(n.kind) >= 0 ? n.kind : "other";
      var href = /^\/(?!\/)/.test(n.href || "") ? n.href : null;  // a page of this service, nothing else
      return (byId[n.id] = { id: n.id, label: String(n.label), href: href, kind: kind, edges: [] });
    });
    var edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; }).map(function (e) {
      var edge = { from: byId[e.source], to: byId[e.target], label: String(e.label) };
      edge.from.edges.push(edge);
      if (edge.to !== edge.from) edge.to.edges.push(edge);
      return edge;
    });
    if (!nodes.length) return;
    layout(nodes, edges);
    spread(edges);
    var id = "graph-arrow-" + (++drawn);
    var svg = make("svg", {
      class: "graph-drawing", viewBox: bounds(nodes), role: "group",
      "aria-label": "Graph of " + nodes.length + " nodes and " + edges.length + " edges",
    });
    var marker = make("marker", { id: id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
      make("defs", {}, svg));
    make("path", { d: "M0,0 L10,5 L0,10 z" }, marker);
    var lines = make("g", { class: "edges", "aria-hidden": "true" }, svg);
    var texts = make("g", { class: "edge-labels", "aria-hidden": "true" }, svg);
    var layer = make("g", { class: "nodes" }, svg);
    edges.forEach(function (edge) {
      edge.line = make("path", { "marker-end": "url(#" + id + ")" }, lines);
      edge.text = make("text", { "text-anchor": "middle", dy: "-3" }, texts);
      edge.text.textContent = short(edge.label);
    });
    nodes.forEach(function (node) { drawNode(layer, node); draggable(svg, node); });
    svg.addEventListener("dragstart", function (event) { event.preventDefault(); });
    // On a narrow screen the drawing keeps a readable size and scrolls in its frame.
    svg.style.minWidth = Math.round(svg.viewBox.baseVal.width * 0.75) + "px";
    // A small graph is not blown up to the page's width: its text stays at its own size.
    svg.style.maxWidth = Math.round(svg.viewBox.baseVal.width * 1.25) + "px";
    svg.style.margin = "0 auto";
    var frame = document.createElement("div"), caption = figure.querySelector("figcaption");
    frame.className = "graph-frame";
    frame.appendChild(svg);
    figure.insertBefore(frame, caption ? caption.nextSibling : figure.firstChild);
    frame.insertAdjacentElement("afterend", legend(nodes));
    figure.classList.add("drawn");
  }

  document.querySelectorAll("figure.graph[data-graph]").forEach(function (figure) {
    if (figure.classList.contains("drawn")) return;
    try { draw(figure); } catch (error) { console.warn("graph.js: cannot draw this graph:", error); }
  });
})();
