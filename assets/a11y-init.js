/* sitegen: the reader's accessibility settings (assets/a11y.js), applied to <html> before the first paint so that
   nothing moves once drawn. Loaded without defer from <head>, like the style sheet; tiny on purpose. */
(function (d) {
  d.classList.add("a11y-js");
  try {
    var s = JSON.parse(localStorage.getItem("sitegen-a11y") || "{}");
    if ([125, 150, 175, 200].indexOf(s.text) >= 0) d.setAttribute("data-text", String(s.text));
    if (s.contrast === true) d.setAttribute("data-contrast", "high");
    if (s.cursor === true) d.setAttribute("data-cursor", "large");
    if (s.reading === true) d.setAttribute("data-reading", "plain");
  } catch (e) { /* no localStorage (private mode, a file: URL): the defaults */ }
})(document.documentElement);
