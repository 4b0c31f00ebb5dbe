/* sitegen: the elder-mode and accessibility toolbar (适老化, 无障碍). No dependencies, nothing loaded from elsewhere.

   Settings live in localStorage under "sitegen-a11y" as {text, contrast, cursor, reading} and are applied to <html>
   as data-text (125..200), data-contrast="high", data-cursor="large", data-reading="plain" (assets/portal.css).
   The inline script in <head> (templates/_a11y_init.js) applies them before the first paint, so that a page
   opened with larger text does not move once it has been drawn; this file wires the buttons. Reading aloud uses
   the browser's speech synthesis with a zh-CN voice (the page's language), the article's title and body. */
(function () {
  "use strict";
  var KEY = "sitegen-a11y";
  var STEPS = [100, 125, 150, 175, 200];
  var root = document.documentElement;

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (e) {
      return {};
    }
  }

  function save(settings) {
    try {
      localStorage.setItem(KEY, JSON.stringify(settings));
    } catch (e) { /* private mode: the setting lasts for this page only */ }
  }

  function apply(settings) {
    var text = STEPS.indexOf(settings.text) > 0 ? settings.text : 100;
    if (text > 100) root.setAttribute("data-text", String(text)); else root.removeAttribute("data-text");
    toggleAttribute("data-contrast", "high", settings.contrast === true);
    toggleAttribute("data-cursor", "large", settings.cursor === true);
    toggleAttribute("data-reading", "plain", settings.reading === true);
    return text;
  }

  function toggleAttribute(name, value, on) {
    if (on) root.setAttribute(name, value); else root.removeAttribute(name);
  }

  // ------------------------------------------------------------------ reading aloud

  function readableText() {
    var article = document.querySelector("main .article");
    var parts = [];
    if (article) {
      var title = article.querySelector(".article-title");
      var body = article.querySelector(".article-body");
      if (title) parts.push(title.innerText);
      if (body) parts.push(body.innerText);
    } else {
      var main = document.querySelector("main");
      if (main) parts.push(main.innerText);
    }
    return parts.join("\n");
  }

  // Sentences, at most ~200 characters each: long utterances stop halfway in some browsers
  function sentences(text) {
    var pieces = text.replace(/\s+\n/g, "\n").split(/(?<=[。！？!?；;\n])/);
    var out = [];
    pieces.forEach(function (piece) {
      piece = piece.trim();
      while (piece.length > 200) {
        out.push(piece.slice(0, 200));
        piece = piece.slice(200);
      }
      if (piece) out.push(piece);
    });
    return out;
  }

  function chineseVoice(synth, lang) {
    var voices = synth.getVoices ? synth.getVoices() : [];
    var exact = voices.filter(function (v) { return v.lang.replace("_", "-") === lang; });
    var near = voices.filter(function (v) { return v.lang.toLowerCase().indexOf(lang.split("-")[0]) === 0; });
    return exact[0] || near[0] || null;
  }

  function Reader(button) {
    var synth = window.speechSynthesis;
    var label = button.textContent;
    var lang = root.lang || "zh-CN";
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      button.disabled = true;
      button.title = button.getAttribute("data-unavailable") || "";
      return null;
    }
    function stopped() {
      button.setAttribute("aria-pressed", "false");
      button.textContent = label;
    }
    return {
      toggle: function () {
        if (button.getAttribute("aria-pressed") === "true") {
          synth.cancel();
          stopped();
          return;
        }
        synth.cancel();
        var voice = chineseVoice(synth, lang);
        var queue = sentences(readableText());
        queue.forEach(function (sentence, index) {
          var utterance = new SpeechSynthesisUtterance(sentence);
          utterance.lang = lang;
          if (voice) utterance.voice = voice;
          utterance.rate = 0.9; // a little slower than the default: for elderly readers
          if (index === queue.length - 1) utterance.onend = stopped;
          synth.speak(utterance);
        });
        if (queue.length) {
          button.setAttribute("aria-pressed", "true");
          button.textContent = button.getAttribute("data-stop") || label;
        }
      },
      stop: function () {
        synth.cancel();
        stopped();
      }
    };
  }

  // ------------------------------------------------------------------ the toolbar

  function start() {
    var tools = document.querySelector(".a11y-tools");
    if (!tools) return;
    var settings = load();
    var size = tools.querySelector(".a11y-size");
    var buttons = {};
    Array.prototype.forEach.call(tools.querySelectorAll("button[data-a11y]"), function (b) {
      buttons[b.getAttribute("data-a11y")] = b;
    });
    var reader = buttons.read ? Reader(buttons.read) : null;

    function show() {
      var text = apply(settings);
      if (size) size.textContent = (size.getAttribute("data-format") || "{0}%").replace("{0}", String(text));
      if (buttons.smaller) buttons.smaller.disabled = text <= STEPS[0];
      if (buttons.larger) buttons.larger.disabled = text >= STEPS[STEPS.length - 1];
      ["contrast", "cursor", "reading"].forEach(function (name) {
        if (buttons[name]) buttons[name].setAttribute("aria-pressed", settings[name] === true ? "true" : "false");
      });
    }

    function step(direction) {
      var current = STEPS.indexOf(settings.text);
      var next = Math.min(STEPS.length - 1, Math.max(0, (current < 0 ? 0 : current) + direction));
      settings.text = STEPS[next];
    }

    tools.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-a11y]") : null;
      if (!button || button.disabled) return;
      var action = button.getAttribute("data-a11y");
      if (action === "larger") step(1);
      else if (action === "smaller") step(-1);
      else if (action === "reset") {
        settings = {};
        if (reader) reader.stop();
      } else if (action === "read") {
        if (reader) reader.toggle();
        return;
      } else settings[action] = settings[action] !== true;
      save(settings);
      show();
      if (button.disabled) (action === "larger" ? buttons.smaller : buttons.larger).focus(); // keep the focus
    });
    window.addEventListener("pagehide", function () { if (reader) reader.stop(); });
    // another tab changed the settings
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) {
        settings = load();
        show();
      }
    });
    show();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
