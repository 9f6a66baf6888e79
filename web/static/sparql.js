// The query editor's small script. Without it the page is a plain form that the server answers with an HTML
// table; with it, queries run in place (SPARQL JSON rendered as a table), examples load into the editor and the
// download links follow the text. Data from results is only ever set as text or as checked http(s) links.
(function () {
  "use strict";

  var form = document.getElementById("sparql-form");
  if (!form) { return; }
  var textarea = document.getElementById("sparql-query");
  var format = document.getElementById("sparql-format");
  var status = document.getElementById("sparql-status");
  var results = document.getElementById("sparql-results-body");
  var downloads = document.getElementById("sparql-download-links");
  var base = form.getAttribute("data-base") || "";

  // The query form, read roughly: strings, IRIs and comments blanked, then the first form keyword.
  function queryForm(text) {
    var code = text.replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*/g, " ");
    var m = /(?:^|[^\w?$:.\-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:\-])/i.exec(code);
    return m ? m[1].toUpperCase() : "SELECT";
  }

  function updateDownloads() {
    if (!downloads) { return; }
    var group = /^(CONSTRUCT|DESCRIBE)$/.test(queryForm(textarea.value)) ? "graph" : "solutions";
    var items = downloads.querySelectorAll("li[data-group]");
    for (var i = 0; i < items.length; i++) {
      var li = items[i];
      li.hidden = li.getAttribute("data-group") !== group;
      var a = li.querySelector("a[data-format]");
      if (a) {
        var params = new URLSearchParams({ query: textarea.value, format: a.getAttribute("data-format") });
        a.setAttribute("href", "/sparql?" + params.toString());
      }
    }
  }

  function safeLink(value) {
    if (base && value.indexOf(base + "id/") === 0) { return "/" + value.slice(base.length); }
    try {
      var url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (e) { return null; }
  }

  function termCell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    var text = term.value;
    if (term.type === "uri") {
      var link = safeLink(term.value);
      td.title = term.value;
      if (link) {
        var a = document.createElement("a");
        a.href = link;
        a.textContent = text;
        td.appendChild(a);
        return td;
      }
    } else if (term.type === "literal" || term.type === "typed-literal") {
      if (term.datatype) { td.title = term.datatype; }
      if (term["xml:lang"]) { td.title = "@" + term["xml:lang"]; }
    } else if (term.type === "bnode") {
      text = "_:" + term.value;
    } else if (term.type === "triple") {
      text = "<< " + JSON.stringify(term.value) + " >>";
    }
    td.textContent = text;
    return td;
  }

  function renderJson(data) {
    results.textContent = "";
    if (typeof data["boolean"] === "boolean") {
      var p = document.createElement("p");
      p.className = "boolean";
      p.textContent = String(data["boolean"]);
      results.appendChild(p);
      return;
    }
    var vars = (data.head && data.head.vars) || [];
    var rows = (data.results && data.results.bindings) || [];
    var count = document.createElement("p");
    count.className = "count";
    count.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
    results.appendChild(count);
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    var table = document.createElement("table");
    table.className = "results";
    var thead = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      thead.appendChild(th);
    });
    var tbody = table.createTBody();
    rows.forEach(function (row) {
      var tr = tbody.insertRow();
      vars.forEach(function (v) { tr.appendChild(termCell(row[v])); });
    });
    wrap.appendChild(table);
    results.appendChild(wrap);
  }

  function renderText(text) {
    results.textContent = "";
    var pre = document.createElement("pre");
    pre.textContent = text;
    results.appendChild(pre);
  }

  function renderError(status, text) {
    var message = text;
    try {
      var data = JSON.parse(text);
      message = (data.error || "Error") + ": " + (data.detail || "");
    } catch (e) { /* plain text */ }
    results.textContent = "";
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = status + " " + message;
    results.appendChild(p);
  }

  form.addEventListener("submit", function (event) {
    if (format && format.value !== "html") { return; }  // a download: let the browser navigate
    if (!window.fetch) { return; }
    event.preventDefault();
    var query = textarea.value;
    status.textContent = "Running…";
    var started = Date.now();
    fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9, application/json;q=0.5"
      },
      body: new URLSearchParams({ query: query }).toString()
    }).then(function (response) {
      return response.text().then(function (text) {
        status.textContent = "";
        if (!response.ok) { renderError(response.status, text); return; }
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("json") >= 0) { renderJson(JSON.parse(text)); } else { renderText(text); }
        status.textContent = "Done in " + (Date.now() - started) + " ms";
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "/sparql?" + new URLSearchParams({ query: query }).toString());
        }
      });
    }).catch(function (error) {
      status.textContent = "";
      renderError("", String(error));
    });
  });

  textarea.addEventListener("input", updateDownloads);

  var buttons = document.querySelectorAll("button.load-example");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) {
      var box = document.getElementById(event.currentTarget.getAttribute("data-example"));
      var pre = box && box.querySelector("pre.example-sparql");
      if (!pre) { return; }
      textarea.value = pre.textContent;
      updateDownloads();
      textarea.focus();
      form.scrollIntoView();
    });
  }
  updateDownloads();
}());
