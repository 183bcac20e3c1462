// The SPARQL editor: the query textarea becomes a CodeMirror 5 editor (vendored, see
// scripts/web-assets) with highlighting, bracket matching, completion of the known prefixes and
// of sg: terms, and the line of a syntax error marked. Without scripts the textarea works alone.
// The page gives the data: data-prefixes and data-terms (JSON), data-error-line and -column.
"use strict";
(function () {
  var area = document.getElementById("query");
  if (!area || !window.CodeMirror) return;
  var Pos = CodeMirror.Pos;
  var prefixes = JSON.parse(area.getAttribute("data-prefixes") || "{}");
  var terms = JSON.parse(area.getAttribute("data-terms") || "[]");
  var DECLARED = /^\s*PREFIX\s+([A-Za-z][\w.-]*)?\s*:/gim;

  function declared(cm) {
    var names = {}, text = cm.getValue(), match;
    DECLARED.lastIndex = 0;
    while ((match = DECLARED.exec(text))) names[match[1] || ""] = true;
    return names;
  }

  // A new declaration goes after the comments and declarations the query starts with.
  function declare(cm, name) {
    if (!prefixes[name] || declared(cm)[name]) return;
    var line = 0;
    while (line <= cm.lastLine() && /^\s*(#|PREFIX\b|BASE\b)/i.test(cm.getLine(line))) line++;
    var text = "PREFIX " + name + ": <" + prefixes[name] + ">";
    if (line > cm.lastLine()) cm.replaceRange("\n" + text, Pos(cm.lastLine()));
    else cm.replaceRange(text + "\n", Pos(line, 0));
  }

  function choice(text, shown, name) {
    return {
      text: text, displayText: shown,
      hint: function (cm, data) {
        cm.replaceRange(text, data.from, data.to, "complete");
        declare(cm, name);
      },
    };
  }

  // What can complete the word before the cursor: a prefix name, an sg: term, or (for a known
  // prefix not yet declared) the word as it is, with its declaration.
  function complete(cm) {
    var cursor = cm.getCursor(), before = cm.getLine(cursor.line).slice(0, cursor.ch);
    var word = /[\w.:-]*$/.exec(before)[0], mark = before.charAt(before.length - word.length - 1);
    if (/["'<?$@]/.test(mark) || /^[\d.:-]/.test(word) || /comment|string/.test(cm.getTokenTypeAt(cursor) || "")) return null;
    var colon = word.indexOf(":"), have = declared(cm), list = [];
    if (colon < 0) {
      Object.keys(prefixes).forEach(function (name) {
        if (name.indexOf(word) === 0) list.push(choice(name + ":", name + ":  <" + prefixes[name] + ">", name));
      });
    } else {
      var name = word.slice(0, colon), rest = word.slice(colon + 1).toLowerCase();
      if (name === "sg") {
        terms.forEach(function (term) {
          if (term.toLowerCase().indexOf(rest) === 0) list.push(choice("sg:" + term, "sg:" + term, "sg"));
        });
      } else if (prefixes[name] && !have[name]) {
        list.push(choice(word, word + "  (declare " + name + ": <" + prefixes[name] + ">)", name));
      }
    }
    if (!list.length) return null;
    var found = { list: list, from: Pos(cursor.line, cursor.ch - word.length), to: cursor };
    CodeMirror.on(found, "shown", function () {  // show-hint leaves its listbox unnamed
      var box = document.getElementById(cm.getInputField().getAttribute("aria-owns"));
      if (box) box.setAttribute("aria-label", "Completions");
    });
    return found;
  }

  function run(cm) {
    area.value = cm.getValue();
    if (area.form.requestSubmit) area.form.requestSubmit();
    else area.form.submit();
  }

  var cm = CodeMirror(function (editor) { area.parentNode.insertBefore(editor, area.nextSibling); }, {
    value: area.value, mode: "sparql", lineNumbers: true, lineWrapping: true, matchBrackets: true,
    viewportMargin: Infinity, screenReaderLabel: "SPARQL query",
    // Tab and Shift-Tab are left to the browser, so that the keyboard can leave the editor.
    extraKeys: { Tab: false, "Shift-Tab": false, "Ctrl-Space": "autocomplete", "Ctrl-Enter": run, "Cmd-Enter": run },
    hintOptions: { hint: complete, completeSingle: false, closeCharacters: /[\s()\[\]{};>,]/ },
  });
  cm.on("inputRead", function (editor, change) {
    if (change.text.join("") === ":" && !editor.state.completionActive) editor.showHint();
  });

  // The textarea stays in the form, out of sight and out of the tab order: it is the field the
  // form sends, kept in step with the editor both ways (a tool that fills #query still works).
  cm.on("change", function () { area.value = cm.getValue(); });
  area.addEventListener("input", function () { if (area.value !== cm.getValue()) cm.setValue(area.value); });
  area.classList.add("behind-editor");
  area.setAttribute("tabindex", "-1");
  area.setAttribute("aria-hidden", "true");
  var input = cm.getInputField(), label = document.querySelector('label[for="query"]'), keys = document.getElementById("query-keys");
  input.id = "query-editor";
  if (label) {
    label.htmlFor = input.id;
    label.addEventListener("click", function (event) { event.preventDefault(); cm.focus(); });
  }
  if (keys) {
    keys.hidden = false;
    input.setAttribute("aria-describedby", keys.id);
  }

  var line = Number(area.getAttribute("data-error-line")) - 1, column = Number(area.getAttribute("data-error-column")) - 1;
  if (line >= 0 && line <= cm.lastLine()) {
    var handle = cm.addLineClass(line, "background", "cm-error-line"), at = null;
    cm.addLineClass(line, "gutter", "cm-error-gutter");
    if (column >= 0 && column < cm.getLine(line).length) {
      at = cm.markText(Pos(line, column), Pos(line, column + 1), { className: "cm-error-at" });
    }
    cm.scrollIntoView(Pos(line, 0), 40);
    cm.on("change", function unmark() {  // the mark is about the query that ran, not the one edited
      cm.removeLineClass(handle, "background", "cm-error-line");
      cm.removeLineClass(handle, "gutter", "cm-error-gutter");
      if (at) at.clear();
      cm.off("change", unmark);
    });
  }
})();
