// Research graph explorer: Cytoscape.js over the graph API (/api/v1/graph/..., graph/apis.py).
// State lives in the address bar (focus, expand, hide, from, to, node) so a view can be shared.
(function () {
  "use strict";

  var root = document.getElementById("graph-explorer");
  if (!root || typeof window.cytoscape !== "function") { return; }

  var KINDS = ["person", "paper", "topic", "institution"];
  var KIND_NAMES = { person: "Researcher", paper: "Paper", topic: "Topic", institution: "Institution" };
  var LIST_NAMES = { person: "Researchers", paper: "Papers", topic: "Topics", institution: "Institutions" };
  var PAGE_NAMES = { person: "Open profile", paper: "Open paper page", topic: "Open topic page", institution: "Open institution page" };
  var COLORS = { person: "#1f4fa3", paper: "#b45309", topic: "#047857", institution: "#7e22ce" };
  var SHAPES = { person: "ellipse", paper: "round-rectangle", topic: "diamond", institution: "triangle" };
  var SLICE_SCALE = 1.6;  // the slice's ring layout is drawn for a small SVG; spread it out here

  var canvas = document.getElementById("explorer-canvas");
  var loading = document.getElementById("explorer-loading");
  var statusLine = document.getElementById("explorer-status");
  var details = document.getElementById("explorer-details");
  var listBody = document.getElementById("explorer-list-body");
  var searchInput = document.getElementById("explorer-search");
  var resultsList = document.getElementById("explorer-results");
  var fromInput = document.getElementById("explorer-from");
  var toInput = document.getElementById("explorer-to");
  var kindBoxes = Array.prototype.slice.call(root.querySelectorAll("input[name=kind]"));

  // --- state and the address bar ------------------------------------------------------------

  function splitList(value) {
    return (value || "").split(",").map(function (item) { return item.trim(); }).filter(Boolean);
  }
  function toYear(value) {
    var year = parseInt(value, 10);
    return year >= 1000 && year <= 2999 ? year : null;
  }
  function readState() {
    var params = new URLSearchParams(window.location.search);
    return {
      focus: params.get("focus") || root.dataset.focus || "",
      expand: splitList(params.get("expand")),
      hide: splitList(params.get("hide")).filter(function (kind) { return KINDS.indexOf(kind) >= 0; }),
      from: toYear(params.get("from")),
      to: toYear(params.get("to")),
      node: params.get("node") || ""
    };
  }
  var state = readState();

  function encode(value) {
    // Node ids read better with their ":" and "," left alone; both are allowed in a query.
    return encodeURIComponent(value).replace(/%3A/gi, ":").replace(/%2C/gi, ",");
  }
  function writeState() {
    var parts = [];
    if (state.focus) { parts.push("focus=" + encode(state.focus)); }
    if (state.expand.length) { parts.push("expand=" + encode(state.expand.join(","))); }
    if (state.hide.length) { parts.push("hide=" + encode(state.hide.join(","))); }
    if (state.from) { parts.push("from=" + state.from); }
    if (state.to) { parts.push("to=" + state.to); }
    if (state.node) { parts.push("node=" + encode(state.node)); }
    var url = root.dataset.explorerUrl + (parts.length ? "?" + parts.join("&") : "");
    window.history.replaceState(null, "", url);
  }

  // --- talking to the API -------------------------------------------------------------------

  var pending = 0;
  function busy(delta) {
    pending += delta;
    root.dataset.busy = pending > 0 ? "true" : "false";
  }
  function getJSON(url) {
    busy(1);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) { throw new Error(body.message || ("HTTP " + response.status)); }
          return body;
        });
      })
      .finally(function () { busy(-1); });
  }
  function sliceUrl(slug) {
    return root.dataset.sliceUrl.replace("SLUG", encodeURIComponent(slug)) + "?max_nodes=60";
  }
  function neighboursUrl(id) {
    var kind = id.split(":")[0], slug = id.slice(kind.length + 1);
    // The template reverses the URL for person:SLUG; put this node's kind and slug in their place.
    return root.dataset.neighboursUrl.replace("/person/SLUG/", "/" + encodeURIComponent(kind) + "/" + encodeURIComponent(slug) + "/");
  }

  // --- the graph ----------------------------------------------------------------------------

  var cy = window.cytoscape({
    container: canvas,
    elements: [],
    minZoom: 0.08,
    maxZoom: 3,
    boxSelectionEnabled: false,
    style: [
      { selector: "node", style: {
        "label": "data(short)", "font-size": 12, "min-zoomed-font-size": 5, "color": "#3a4559", "text-valign": "bottom",
        "text-margin-y": 4, "text-outline-color": "#fff", "text-outline-width": 2,
        "width": 18, "height": 18, "background-color": "data(color)", "shape": "data(shape)",
        "border-width": 1.5, "border-color": "#fff" } },
      // Nodes on the slice's ring carry their angle: their labels point outwards, as on the profile.
      { selector: "node[angle]", style: {
        "text-valign": "center", "text-margin-y": 0,
        "text-halign": function (node) { return leftHalf(node) ? "left" : "right"; },
        "text-margin-x": function (node) { return leftHalf(node) ? -4 : 4; },
        "text-rotation": function (node) {
          var angle = node.data("angle");
          return (leftHalf(node) ? angle - 180 : angle) * Math.PI / 180;
        } } },
      { selector: "node.focus", style: {
        "width": 34, "height": 34, "border-width": 4, "border-color": "#172033", "font-size": 14,
        "font-weight": "bold", "color": "#172033", "text-valign": "bottom", "text-halign": "center",
        "text-rotation": 0, "text-margin-x": 0, "text-margin-y": 5 } },
      { selector: "node.expanded", style: { "border-width": 3, "border-color": "#172033" } },
      { selector: "node:selected", style: { "overlay-color": "#ffbf47", "overlay-opacity": 0.45, "overlay-padding": 7 } },
      { selector: "edge", style: {
        "width": "mapData(weight, 1, 8, 1, 5)", "line-color": "#c3cad7", "curve-style": "haystack",
        "haystack-radius": 0, "opacity": 0.85 } },
      { selector: "edge[?close]", style: { "line-color": "#1f4fa3", "opacity": 0.55 } },
      { selector: "edge.on-path", style: { "line-color": "#a32121", "width": 5, "opacity": 1 } },
      { selector: "node.on-path", style: { "border-color": "#a32121", "border-width": 4 } },
      { selector: ".filtered", style: { "display": "none" } }
    ]
  });
  window.graphExplorer = { cy: cy, state: state };

  function leftHalf(node) {
    var angle = node.data("angle");
    return angle > 90 && angle < 270;
  }

  function shortLabel(text) {
    text = (text || "").replace(/\s+/g, " ").trim();
    return text.length > 32 ? text.slice(0, 31).trim() + "…" : text;
  }
  function nodeData(node) {
    var data = {};
    Object.keys(node).forEach(function (key) {
      if (["x", "y", "rank", "distance"].indexOf(key) < 0) { data[key] = node[key]; }
    });
    data.short = shortLabel(node.label);
    data.color = COLORS[node.kind];
    data.shape = SHAPES[node.kind];
    return data;
  }

  function centroid() {
    var nodes = cy.nodes(), x = 0, y = 0;
    if (!nodes.length) { return { x: 0, y: 0 }; }
    nodes.forEach(function (node) { x += node.position("x"); y += node.position("y"); });
    return { x: x / nodes.length, y: y / nodes.length };
  }

  function freeSpot() {
    if (!cy.nodes().length) { return { x: 0, y: 0 }; }
    var box = cy.nodes().boundingBox();
    return { x: box.x2 + 220, y: (box.y1 + box.y2) / 2 };
  }

  // New neighbours go on an arc around the node they came from, facing away from the rest.
  function placeAround(anchor, count) {
    var centre = centroid();
    var away = Math.atan2(anchor.y - centre.y, anchor.x - centre.x);
    if (anchor.x === centre.x && anchor.y === centre.y) { away = 0; }
    var radius = Math.min(520, 110 + 14 * count);
    var arc = count > 8 ? 2 * Math.PI * (count - 1) / count : Math.PI * 0.9;
    var step = count > 1 ? arc / (count - 1) : 0;
    var positions = [];
    for (var index = 0; index < count; index++) {
      var angle = away - arc / 2 + index * step;
      if (count === 1) { angle = away; }
      positions.push({ x: anchor.x + radius * Math.cos(angle), y: anchor.y + radius * Math.sin(angle) });
    }
    return positions;
  }

  function addNodes(nodes, edges, anchorId) {
    var fresh = nodes.filter(function (node) { return cy.getElementById(node.id).empty(); });
    cy.batch(function () {
      var anchor = anchorId && cy.getElementById(anchorId);
      var anchorPosition = anchor && anchor.nonempty() ? anchor.position() : null;
      if (anchorId && !anchorPosition) {
        // The anchor itself is new (a search result): put it in free space first.
        var own = fresh.filter(function (node) { return node.id === anchorId; })[0];
        anchorPosition = freeSpot();
        if (own) {
          var ownData = nodeData(own);
          delete ownData.angle;
          cy.add({ group: "nodes", data: ownData, position: anchorPosition });
          fresh = fresh.filter(function (node) { return node.id !== anchorId; });
        }
      }
      var spots = anchorPosition ? placeAround(anchorPosition, fresh.length) : [];
      fresh.forEach(function (node, index) {
        var data = nodeData(node);
        if (anchorPosition) { delete data.angle; }  // only the slice's ring has outward labels
        var position = anchorPosition ? spots[index] : { x: (node.x || 0) * SLICE_SCALE, y: (node.y || 0) * SLICE_SCALE };
        cy.add({ group: "nodes", data: data, position: position });
      });
      edges.forEach(function (edge) {
        if (cy.getElementById(edge.id).empty() && cy.getElementById(edge.source).nonempty() &&
            cy.getElementById(edge.target).nonempty()) {
          cy.add({ group: "edges", data: Object.assign({}, edge) });
        }
      });
    });
    return fresh.length;
  }

  // --- filters --------------------------------------------------------------------------------

  function yearInRange(year) {
    if (!state.from && !state.to) { return true; }
    if (year === null || year === undefined) { return false; }
    return (!state.from || year >= state.from) && (!state.to || year <= state.to);
  }
  function spanInRange(first, last) {
    if (!state.from && !state.to) { return true; }
    if (first == null && last == null) { return false; }
    first = first == null ? last : first;
    last = last == null ? first : last;
    return (!state.from || last >= state.from) && (!state.to || first <= state.to);
  }

  function applyFilters() {
    cy.batch(function () {
      cy.elements().removeClass("filtered");
      cy.nodes().forEach(function (node) {
        var data = node.data();
        if (node.hasClass("focus")) { return; }
        if (state.hide.indexOf(data.kind) >= 0 || (data.kind === "paper" && !yearInRange(data.year))) {
          node.addClass("filtered");
        }
      });
      cy.edges().forEach(function (edge) {
        var data = edge.data();
        if (edge.source().hasClass("filtered") || edge.target().hasClass("filtered") ||
            (data.kind === "collaborated" && !spanInRange(data.first_year, data.last_year))) {
          edge.addClass("filtered");
        }
      });
      // Whatever the filters cut off from everything else goes too (the focus, expanded and
      // selected nodes stay, so the reader never loses their place).
      cy.nodes().forEach(function (node) {
        if (node.hasClass("filtered") || node.hasClass("focus") || node.hasClass("expanded") || node.id() === state.node) { return; }
        var visible = node.connectedEdges().filter(function (edge) { return !edge.hasClass("filtered"); });
        if (!visible.length) { node.addClass("filtered"); }
      });
    });
    renderList();
    renderStatus();
  }

  // --- side panel: details and the list of nodes ----------------------------------------------

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function renderStatus(message) {
    var visible = cy.nodes().not(".filtered").length;
    var links = cy.edges().not(".filtered").length;
    var text = "Showing " + visible + " of " + cy.nodes().length + " nodes and " + links + " links";
    if (state.expand.length) { text += " · " + state.expand.length + " expanded"; }
    statusLine.textContent = message ? message + " · " + text : text + ".";
  }

  function renderList() {
    listBody.textContent = "";
    KINDS.forEach(function (kind) {
      var nodes = cy.nodes().not(".filtered").filter(function (node) { return node.data("kind") === kind; });
      if (!nodes.length) { return; }
      var heading = element("h3", {}, LIST_NAMES[kind] + " (" + nodes.length + ")");
      var list = element("ul", { "class": "plain", "data-kind": kind });
      nodes.sort(function (a, b) { return a.data("label").localeCompare(b.data("label")); }).forEach(function (node) {
        var item = element("li");
        var button = element("button", { type: "button", "data-node-id": node.id(), "aria-pressed": String(node.id() === state.node) }, node.data("label"));
        button.addEventListener("click", function () { select(node.id(), true); });
        item.appendChild(button);
        list.appendChild(item);
      });
      listBody.appendChild(heading);
      listBody.appendChild(list);
    });
  }

  function addFact(list, term, value) {
    if (value === null || value === undefined || value === "") { return; }
    list.appendChild(element("dt", {}, term));
    list.appendChild(element("dd", {}, String(value)));
  }

  function renderDetails() {
    details.textContent = "";
    details.appendChild(element("h2", {}, "Details"));
    var node = state.node ? cy.getElementById(state.node) : null;
    if (!node || node.empty()) {
      details.appendChild(element("p", { "class": "muted small" }, "Click a node in the graph or in the list below."));
      return;
    }
    var data = node.data();
    details.appendChild(element("p", { "class": "eyebrow" }, KIND_NAMES[data.kind]));
    details.appendChild(element("h3", { id: "explorer-selected" }, data.label));
    var facts = element("dl");
    addFact(facts, "Year", data.year);
    addFact(facts, "Category", data.code);
    if (data.shared_papers) { addFact(facts, "Shared papers with the focus", data.shared_papers); }
    addFact(facts, "Links in view", node.connectedEdges().not(".filtered").length);
    details.appendChild(facts);
    var actions = element("div", { "class": "explorer__actions" });
    if (data.url) {
      actions.appendChild(element("a", { href: data.url, "class": "button button--small" }, PAGE_NAMES[data.kind]));
    }
    var expanded = state.expand.indexOf(data.id) >= 0;
    var expand = element("button", { type: "button", "class": "button button--small button--ghost", id: "explorer-expand" },
      expanded ? "Neighbours shown" : "Expand neighbours");
    expand.disabled = expanded;
    expand.addEventListener("click", function () { expandNode(data.id); });
    actions.appendChild(expand);
    if (data.kind === "person" && data.slug !== state.focus) {
      var path = element("button", { type: "button", "class": "button button--small button--ghost", id: "explorer-path" },
        "How is the focus connected?");
      path.addEventListener("click", function () { showPath(data.slug); });
      actions.appendChild(path);
      var refocus = element("a", { "class": "button button--small button--ghost", href: root.dataset.explorerUrl + "?focus=" + encodeURIComponent(data.slug) }, "Centre on this researcher");
      actions.appendChild(refocus);
    }
    details.appendChild(actions);
  }

  function select(id, centre) {
    state.node = id || "";
    cy.nodes().unselect();
    if (id) {
      var node = cy.getElementById(id);
      if (node.nonempty()) {
        node.select();
        if (centre) { cy.animate({ center: { eles: node } }, { duration: 250 }); }
      }
    }
    writeState();
    renderDetails();
    renderList();
  }

  // --- actions --------------------------------------------------------------------------------

  function expandNode(id) {
    if (state.expand.indexOf(id) >= 0) { return Promise.resolve(); }
    state.expand.push(id);
    writeState();
    renderStatus("Loading neighbours…");
    return getJSON(neighboursUrl(id)).then(function (data) {
      var added = addNodes(data.nodes, data.edges, id);
      cy.getElementById(id).addClass("expanded");
      applyFilters();
      renderDetails();
      renderStatus(added + " new node" + (added === 1 ? "" : "s") + " added");
    }).catch(function (error) {
      state.expand = state.expand.filter(function (item) { return item !== id; });
      writeState();
      renderStatus("Could not expand: " + error.message);
    });
  }

  function showPath(slug) {
    var url = root.dataset.pathUrl + "?source=" + encodeURIComponent(state.focus) + "&target=" + encodeURIComponent(slug);
    renderStatus("Looking for a collaboration path…");
    getJSON(url).then(function (data) {
      cy.elements().removeClass("on-path");
      if (!data.connected) {
        renderStatus(data.searched.exhausted ? "These researchers are not connected by co-authorship"
          : "No collaboration path within " + data.searched.max_hops + " hops");
        return;
      }
      addNodes(data.nodes, data.edges, "person:" + state.focus);
      data.nodes.forEach(function (node) { cy.getElementById(node.id).addClass("on-path"); });
      data.edges.forEach(function (edge) { cy.getElementById(edge.id).addClass("on-path"); });
      applyFilters();
      cy.animate({ fit: { eles: cy.elements(".on-path"), padding: 80 } }, { duration: 300 });
      renderStatus("Connected in " + data.hops + " hop" + (data.hops === 1 ? "" : "s") + ": " +
        data.nodes.map(function (node) { return node.label; }).join(" → "));
    }).catch(function (error) { renderStatus("Path search failed: " + error.message); });
  }

  // --- search to add a node -------------------------------------------------------------------

  var searchTimer = null, searchSerial = 0;
  function closeResults() { resultsList.hidden = true; resultsList.textContent = ""; }
  function runSearch() {
    var query = searchInput.value.trim();
    if (query.length < 2) { closeResults(); return; }
    var serial = ++searchSerial;
    var url = root.dataset.searchUrl + "?q=" + encodeURIComponent(query);
    getJSON(url).then(function (data) {
      if (serial !== searchSerial) { return; }
      resultsList.textContent = "";
      if (!data.results.length) {
        resultsList.appendChild(element("li", { "class": "muted small explorer__nothing" }, "Nothing found"));
      }
      data.results.forEach(function (node) {
        var item = element("li", { role: "option" });
        var button = element("button", { type: "button", "data-node-id": node.id });
        button.appendChild(element("span", { "class": "swatch swatch--" + node.kind, "aria-hidden": "true" }));
        button.appendChild(document.createTextNode(node.label + " "));
        button.appendChild(element("span", { "class": "muted small" }, KIND_NAMES[node.kind] + (node.year ? ", " + node.year : "")));
        button.addEventListener("click", function () { addFromSearch(node); });
        item.appendChild(button);
        resultsList.appendChild(item);
      });
      resultsList.hidden = false;
    }).catch(function (error) { renderStatus("Search failed: " + error.message); });
  }
  function addFromSearch(node) {
    closeResults();
    searchInput.value = "";
    if (!state.focus && node.kind === "person") {
      window.location.href = root.dataset.explorerUrl + "?focus=" + encodeURIComponent(node.slug);
      return;
    }
    var existing = cy.getElementById(node.id);
    if (existing.empty()) {
      addNodes([node], [], node.id);
    }
    expandNode(node.id).then(function () { select(node.id, true); });
  }

  searchInput.addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(runSearch, 250);
  });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeResults(); }
    if (event.key === "ArrowDown") {
      var first = resultsList.querySelector("button");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  resultsList.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeResults(); searchInput.focus(); }
  });
  document.getElementById("explorer-controls").addEventListener("submit", function (event) {
    event.preventDefault();
    runSearch();
  });

  // --- controls -------------------------------------------------------------------------------

  kindBoxes.forEach(function (box) {
    box.checked = state.hide.indexOf(box.value) < 0;
    box.addEventListener("change", function () {
      state.hide = kindBoxes.filter(function (item) { return !item.checked; }).map(function (item) { return item.value; });
      writeState();
      applyFilters();
    });
  });
  fromInput.value = state.from || "";
  toInput.value = state.to || "";
  [fromInput, toInput].forEach(function (input) {
    input.addEventListener("change", function () {
      state.from = toYear(fromInput.value);
      state.to = toYear(toInput.value);
      writeState();
      applyFilters();
    });
  });
  document.getElementById("explorer-fit").addEventListener("click", function () { cy.fit(cy.nodes().not(".filtered"), 40); });
  document.getElementById("explorer-relayout").addEventListener("click", function () {
    cy.nodes().removeData("angle");  // the ring is gone, so are the outward labels
    cy.nodes().not(".filtered").layout({ name: "cose", animate: false, randomize: false, idealEdgeLength: function () { return 90; },
      nodeRepulsion: function () { return 9000; }, fit: true, padding: 40 }).run();
  });

  cy.on("tap", "node", function (event) { select(event.target.id(), false); });
  cy.on("dbltap", "node", function (event) { expandNode(event.target.id()); });
  cy.on("tap", function (event) { if (event.target === cy) { select("", false); } });

  // --- start ----------------------------------------------------------------------------------

  function start() {
    root.dataset.busy = "false";
    if (!state.focus) {
      renderStatus("Search for a researcher to begin");
      root.dataset.ready = "true";
      return;
    }
    loading.hidden = false;
    getJSON(sliceUrl(state.focus)).then(function (slice) {
      addNodes(slice.nodes, slice.edges, null);
      cy.getElementById(slice.focus).addClass("focus");
      var wanted = state.expand.slice();
      state.expand = [];
      return Promise.all(wanted.map(function (id) {
        return getJSON(neighboursUrl(id)).catch(function () { return null; });
      })).then(function (results) {
        results.forEach(function (data, index) {
          if (!data) { return; }
          addNodes(data.nodes, data.edges, wanted[index]);
          cy.getElementById(wanted[index]).addClass("expanded");
          state.expand.push(wanted[index]);
        });
      });
    }).then(function () {
      loading.hidden = true;
      writeState();
      applyFilters();
      cy.fit(cy.nodes().not(".filtered"), 40);
      select(state.node, false);
      root.dataset.ready = "true";
    }).catch(function (error) {
      loading.hidden = true;
      renderStatus("The graph could not be loaded: " + error.message);
      root.dataset.ready = "error";
    });
  }
  start();
})();
