// The menu editor: CodeMirror for the YAML, checked on the server as it is typed (the
// same checks as `flask menus validate`), problems marked at their lines, the flow drawn
// by Mermaid, and Publish.
(function () {
  const page = document.getElementById("editor-page");
  if (!page) return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const editor = CodeMirror.fromTextArea(document.getElementById("source"), {
    mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2,
    extraKeys: { Tab: (cm) => cm.replaceSelection("  ") },
    gutters: ["problem-gutter", "CodeMirror-linenumbers"],
  });
  window.sautiEditor = editor; // for tests and the browser console
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
  let marked = [], timer = null, sequence = 0, diagramCount = 0;
  const problemsList = document.getElementById("problems");
  const languageSelect = document.getElementById("diagram-language");

  function post(url, extra) {
    const body = new FormData();
    body.append("text", editor.getValue());
    for (const [key, value] of Object.entries(extra || {})) body.append(key, value);
    return fetch(url, { method: "POST", body, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" });
  }

  function item(problem, kind) {
    const li = document.createElement("li");
    li.className = kind;
    li.dataset.line = problem.line;
    li.dataset.column = problem.column;
    li.textContent = `${kind === "warning" ? "warning " : ""}${problem.line}: ${problem.field}: ${problem.message}`;
    return li;
  }

  function showProblems(problems, warnings) {
    marked.forEach((line) => { editor.removeLineClass(line, "background", "cm-problem-line"); });
    editor.clearGutter("problem-gutter");
    marked = [];
    problemsList.replaceChildren(
      ...problems.map((p) => item(p, "error")), ...warnings.map((p) => item(p, "warning")));
    for (const problem of problems) {
      const line = editor.getLineHandle(problem.line - 1);
      if (!line) continue;
      editor.addLineClass(line, "background", "cm-problem-line");
      const dot = document.createElement("span");
      dot.className = "cm-problem-gutter";
      dot.textContent = "●";
      dot.title = problem.message;
      editor.setGutterMarker(line, "problem-gutter", dot);
      marked.push(line);
    }
    const count = document.getElementById("problem-count");
    count.textContent = problems.length;
    count.className = "badge " + (problems.length ? "bad" : "ok");
  }

  function showTranslations(rows) {
    const body = document.querySelector("#translations tbody");
    body.replaceChildren(...rows.map((row) => {
      const tr = document.createElement("tr");
      for (const text of [row.language, `${row.done}%`, `${row.missing} of ${row.total}`]) {
        const td = document.createElement("td"); td.textContent = text; tr.appendChild(td);
      }
      return tr;
    }));
  }

  async function drawDiagram(text) {
    document.getElementById("diagram-source").textContent = text;
    const target = document.getElementById("diagram");
    if (!text) { target.textContent = "(no diagram while the file does not compile)"; return; }
    try {
      const { svg } = await mermaid.render(`flow-svg-${++diagramCount}`, text);
      target.innerHTML = svg; // Mermaid's output, sanitised by it (securityLevel strict)
    } catch (err) {
      target.textContent = `Diagram: ${err.message || err}`;
    }
  }

  async function check() {
    const mine = ++sequence;
    const response = await post(page.dataset.checkUrl, { language: languageSelect.value || "" });
    if (!response.ok || mine !== sequence) return;
    const result = await response.json();
    showProblems(result.problems, result.warnings);
    showTranslations(result.translations);
    if (result.languages.length && languageSelect.options.length !== result.languages.length) {
      languageSelect.replaceChildren(...result.languages.map((l) => new Option(l, l)));
    }
    document.getElementById("version").textContent = result.version || "does not compile";
    page.dataset.checked = String(mine);
    await drawDiagram(result.diagram);
  }

  editor.on("change", () => { clearTimeout(timer); timer = setTimeout(check, 400); });
  languageSelect.addEventListener("change", check);
  problemsList.addEventListener("click", (event) => {
    const li = event.target.closest("li");
    if (!li) return;
    editor.focus();
    editor.setCursor({ line: Number(li.dataset.line) - 1, ch: Number(li.dataset.column) - 1 });
  });
  document.getElementById("publish").addEventListener("click", async () => {
    const status = document.getElementById("publish-result");
    status.textContent = "Publishing…";
    const response = await post(page.dataset.publishUrl);
    const result = await response.json().catch(() => ({}));
    if (response.ok && result.published) {
      status.textContent = `Published version ${result.version}: new sessions use it.`;
      document.getElementById("version").textContent = result.version;
    } else if (response.status === 422) {
      status.textContent = `Not published: ${result.problems.length} problem(s).`;
      showProblems(result.problems, []);
    } else {
      status.textContent = `Not published (HTTP ${response.status}).`;
    }
  });
  check();
})();
