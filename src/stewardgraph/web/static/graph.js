// Draws every <figure class="graph" data-graph='JSON'> on the page as an SVG graph. The contract:
//   {"nodes": [{"id": "...", "label": "...", "href": a path here ("/id/project/x") or null,
//               "kind": "project" | "organization" | "foundation" | "literal" | "other"}],
//    "edges": [{"source": "node id", "target": "node id", "label": "..."}]}
// The server writes what the figure says in words (a caption, a table of the edges) for pages read
// without scripts; the drawing goes in after the figcaption, with a legend of the node colours.
// The layout is force-directed, computed once and the same on every load (no randomness: the
// nodes start on a spiral); then nodes whose labels would overlap move apart, and each edge's label
// goes where it overlaps the fewest others. Nodes can be dragged; a node with an href is a link,
// in the tab order.
// No framework, no network.
"use strict";
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var KINDS = ["project", "organization", "foundation", "literal", "other"];
  var NAMES = { project: "project", organization: "organization", foundation: "foundation", literal: "value", other: "other resource" };
  var RADIUS = 9, ITERATIONS = 300, LABEL = 26, drawn = 0;
  var TOP = RADIUS + 4, BOTTOM = RADIUS + 21;  // the room a node takes above and below its centre, with its label
  var ALONG = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];  // where on its edge a label may go, best first

  function make(name, attributes, parent) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(element);
    return element;
  }

  // The width of a text as drawn, or a guess from its length where the page does not show it.
  function measure(text, guess) {
    return text.getComputedTextLength() || guess * text.textContent.length;
  }

  function short(text) {
    return text.length > LABEL ? text.slice(0, LABEL - 1) + "…" : text;
  }

  // Fruchterman-Reingold: nodes push each other apart, edges pull their ends together towards a
  // length of k, a pull to the centre keeps the parts together, and the moves shrink as the layout
  // cools. Only near nodes push: else unlinked parts fly off, and in a small graph the ends of a
  // chain (a project and two stewards) push it straight into a flat strip; in a larger one, the
  // reach grows so that a star's leaves spread round it. The nodes start on a spiral, the first
  // (the page's own) in the middle; the drawing is then levelled and its labels made clear.
  function layout(nodes, edges) {
    var n = nodes.length, k = 140, side = Math.max(2 * k, k * Math.sqrt(n)), reach = k * Math.min(Math.max(n / 4, 1.5), 3);
    nodes.forEach(function (node, i) {
      var r = side / 3 * Math.sqrt(i / n), angle = 2.4 * i - Math.PI / 2;  // 2.4: about the golden angle
      node.x = r * Math.cos(angle);
      node.y = r * Math.sin(angle);
    });
    for (var step = 0; step < ITERATIONS; step++) {
      var heat = side / 8 * (1 - step / ITERATIONS) + 0.5;
      nodes.forEach(function (node) { node.dx = -0.05 * node.x; node.dy = -0.05 * node.y; });
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var a = nodes[i], b = nodes[j], x = a.x - b.x, y = a.y - b.y, d = Math.max(Math.hypot(x, y), 0.01);
          if (d > reach) continue;
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
    level(nodes);
    separate(nodes);
  }

  // Turns the drawing so that its long axis (the principal one) lies across, as a page is wide.
  function level(nodes) {
    var n = nodes.length, mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
    nodes.forEach(function (node) { mx += node.x / n; my += node.y / n; });
    nodes.forEach(function (node) {
      var x = node.x - mx, y = node.y - my;
      xx += x * x; yy += y * y; xy += x * y;
    });
    var turn = -Math.atan2(2 * xy, xx - yy) / 2, cos = Math.cos(turn), sin = Math.sin(turn);
    nodes.forEach(function (node) {
      var x = node.x - mx, y = node.y - my;
      node.x = x * cos - y * sin; node.y = x * sin + y * cos;
    });
  }

  // Two nodes whose boxes (the dot and the label under it) overlap move apart the shorter way,
  // which for wide labels is mostly up or down, until no two overlap (or enough rounds have gone).
  function separate(nodes) {
    for (var round = 0, moved = true; moved && round < 100; round++) {
      moved = false;
      for (var i = 0; i < nodes.length; i++) {
        for (var j = i + 1; j < nodes.length; j++) {
          var a = nodes[i], b = nodes[j];
          var ox = a.half + b.half - Math.abs(a.x - b.x), oy = TOP + BOTTOM - Math.abs(a.y - b.y);
          if (ox <= 0 || oy <= 0) continue;
          moved = true;
          if (oy <= ox) {
            var up = a.y <= b.y ? -1 : 1;
            a.y += up * (oy / 2 + 0.5); b.y -= up * (oy / 2 + 0.5);
          } else {
            var left = a.x <= b.x ? -1 : 1;
            a.x += left * (ox / 2 + 0.5); b.x -= left * (ox / 2 + 0.5);
          }
        }
      }
    }
  }

  // The boxes that labels must keep out of, as [left, right, top, bottom]: a node's dot and label,
  // and an edge's label (drawn 3 above the point it is placed at).
  function nodeBox(node) {
    return [node.x - node.half, node.x + node.half, node.y - TOP, node.y + BOTTOM];
  }

  function labelBox(edge, at) {
    return [at.x - edge.half, at.x + edge.half, at.y - 14, at.y + 1];
  }

  function overlap(a, b) {
    return a[0] < b[1] && b[0] < a[1] && a[2] < b[3] && b[2] < a[3];
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

  // The path of an edge, and where its label goes: at the fraction `along` of the way.
  function route(edge, along) {
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
      x: (1 - along) * (1 - along) * s.x + 2 * along * (1 - along) * cx + along * along * t.x,
      y: (1 - along) * (1 - along) * s.y + 2 * along * (1 - along) * cy + along * along * t.y,
    };
  }

  // An edge's label goes half way along it, or else as near there as it overlaps the fewest labels
  // (of nodes, which count double, and of the other edges).
  function place(edge) {
    var best, fewest = Infinity;
    ALONG.forEach(function (along) {
      var at = route(edge, along), box = labelBox(edge, at), count = 0;
      edge.graph.nodes.forEach(function (node) { if (overlap(box, nodeBox(node))) count += 2; });
      edge.graph.edges.forEach(function (other) { if (other !== edge && other.box && overlap(box, other.box)) count++; });
      if (count < fewest) { best = at; fewest = count; edge.box = box; }
    });
    edge.line.setAttribute("d", best.path);
    edge.text.setAttribute("x", best.x);
    edge.text.setAttribute("y", best.y);
  }

  function bounds(nodes) {
    var lefts = nodes.map(function (n) { return n.x - Math.max(n.half + 8, 90); });
    var rights = nodes.map(function (n) { return n.x + Math.max(n.half + 8, 90); });
    var ys = nodes.map(function (n) { return n.y; });
    var left = Math.min.apply(null, lefts), top = Math.min.apply(null, ys) - 30;
    var width = Math.max(Math.max.apply(null, rights) - left, 300), height = Math.max.apply(null, ys) + 40 - top;
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
    node.text = make("text", { y: RADIUS + 13, "text-anchor": "middle", "aria-hidden": "true" }, group);
    node.text.textContent = short(node.label);
    if (node.href) {
      var box = make("foreignObject", { x: -RADIUS - 2, y: -RADIUS - 2, width: 2 * RADIUS + 4, height: 2 * RADIUS + 4 }, group);
      node.link = box.appendChild(document.createElement("a"));
      node.link.href = node.href;
      var name = node.link.appendChild(document.createElement("span"));
      name.textContent = node.label + " (" + NAMES[node.kind] + ")";
    }
    node.element = group;
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
    var graph = { nodes: nodes };
    var edges = graph.edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; }).map(function (e) {
      var edge = { from: byId[e.source], to: byId[e.target], label: String(e.label), graph: graph };
      edge.from.edges.push(edge);
      if (edge.to !== edge.from) edge.to.edges.push(edge);
      return edge;
    });
    if (!nodes.length) return;
    var id = "graph-arrow-" + (++drawn);
    var svg = make("svg", {
      class: "graph-drawing", role: "group",
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
    var frame = document.createElement("div"), caption = figure.querySelector("figcaption");
    frame.className = "graph-frame";
    frame.appendChild(svg);
    figure.insertBefore(frame, caption ? caption.nextSibling : figure.firstChild);
    frame.insertAdjacentElement("afterend", legend(nodes));
    // The layout makes room for the labels as drawn, so it measures them in the page.
    nodes.forEach(function (node) {
      node.half = Math.max(measure(node.text, 7) / 2, RADIUS) + 4;
    });
    edges.forEach(function (edge) { edge.half = measure(edge.text, 6) / 2 + 2; });
    layout(nodes, edges);
    spread(edges);
    svg.setAttribute("viewBox", bounds(nodes));
    nodes.forEach(move);
    // On a narrow screen the drawing keeps a readable size and scrolls in its frame.
    svg.style.minWidth = Math.round(svg.viewBox.baseVal.width * 0.75) + "px";
    // A small graph is not blown up to the page's width: its text stays at its own size.
    svg.style.maxWidth = Math.round(svg.viewBox.baseVal.width * 1.25) + "px";
    svg.style.margin = "0 auto";
    figure.classList.add("drawn");
  }

  document.querySelectorAll("figure.graph[data-graph]").forEach(function (figure) {
    if (figure.classList.contains("drawn")) return;
    try { draw(figure); } catch (error) { console.warn("graph.js: cannot draw this graph:", error); }
  });
})();
