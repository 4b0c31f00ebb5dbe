// sitegen's additions to the web editor (Decap CMS): admin/sitegen.js is the settings (SITEGEN) and this file.

// The preview pane: the article as readers see it, in the theme's markup with the site's own stylesheet.
CMS.registerPreviewStyle("../assets/style.css");
const SitegenArticle = createClass({
  render() {
    const entry = this.props.entry;
    const get = (key) => entry.getIn(["data", key]);
    const list = (key) => { const v = get(key); return v && v.toJS ? v.toJS() : (v ? [v] : []); };
    const L = SITEGEN.labels, C = SITEGEN.colon;
    const meta = [];
    if (get("source")) meta.push(h("li", {key: "s"}, L.source + C + get("source")));
    if (list("author").length) meta.push(h("li", {key: "a"}, L.author + C + list("author").join(SITEGEN.separator)));
    meta.push(h("li", {key: "v"}, L.views + C + (get("views") || 0)));
    if (get("date")) meta.push(h("li", {key: "d"}, L.published + C + get("date")));
    const pictures = list("images").map((image) => typeof image === "string" ? {src: image} : image);
    const figures = pictures.filter((image) => image.src).map((image, index) => h("figure", {key: index},
      h("img", {src: this.props.getAsset(image.src).toString(), alt: image.alt || ""}),
      image.caption ? h("figcaption", {}, image.caption) : null));
    return h("main", {className: "wrap"}, h("article", {className: "article"},
      h("header", {className: "article-header"},
        h("p", {className: "article-column"}, SITEGEN.columns[this.props.collection.get("name")] || ""),
        h("h1", {className: "article-title"}, get("title")),
        h("ul", {className: "article-meta"}, meta)),
      h("div", {className: "article-body"}, this.props.widgetFor("body")),
      figures.length ? h("section", {className: "article-figures"}, h("h2", {}, L.figures), figures) : null,
      get("editor") ? h("p", {className: "article-editor"}, L.editor + C + get("editor")) : null));
  },
});
Object.keys(SITEGEN.columns).forEach((name) => CMS.registerPreviewTemplate(name, SitegenArticle));

// The body's components (＋ in the toolbar) in the site's language: Decap's own are labelled in English, and a
// picture's caption is what it calls "Alt Text" (sitegen's figure caption comes from it).
// Relabelled in place: registering a code block again would make Decap warn that it replaces the first.
for (const [id, label] of Object.entries(SITEGEN.components)) {
  const component = CMS.getEditorComponents && CMS.getEditorComponents().get(id);
  if (!component) continue;
  component.label = label;
  if (id === "image") {
    component.fields = component.fields.map((field) => SITEGEN.imageFields[field.get("name")]
      ? field.set("label", SITEGEN.imageFields[field.get("name")]) : field);
  }
}

// New articles' slugs, as `sitegen new` makes them (scaffold.slugify): a pinyin syllable per Chinese character,
// Latin letters and digits kept in lower case, words joined by "-", at most SITEGEN.maxSlug characters. One
// reading per character (pinyin.json), so a character with several readings may read otherwise than there.
const sitegenPinyin = fetch("pinyin.json").then((response) => response.json()).then((table) => {
  const syllables = new Map();
  for (const [syllable, characters] of Object.entries(table)) {
    for (const character of characters) syllables.set(character, syllable);
  }
  return syllables;
});

function sitegenSlug(title, syllables) {
  const words = [];
  let latin = "";
  for (const character of String(title || "")) {
    if (/^[A-Za-z0-9]$/.test(character)) { latin += character.toLowerCase(); continue; }
    if (latin) { words.push(latin); latin = ""; }
    if (syllables.has(character)) words.push(syllables.get(character));
  }
  if (latin) words.push(latin);
  let slug = "";
  for (const word of words) {
    if (slug.length + word.length + 1 > SITEGEN.maxSlug) break;
    slug = slug ? slug + "-" + word : word;
  }
  return slug;
}

// A title without a letter, digit or Chinese character: the date and time of saving, still ASCII.
function sitegenStamp(now) {
  const two = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-` +
    `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

// Lists typed as one line (作者, 标签): the form splits them at ",", Chinese writers type "，" or "、".
function sitegenSplitLists(data) {
  for (const key of SITEGEN.lists) {
    const value = data.get(key);
    if (!value || !value.toJS) continue;  // empty, or a single text written by hand: left as it is
    const items = value.toJS();
    const split = items.flatMap((item) => String(item).split(/[,，、;；]/)).map((item) => item.trim())
      .filter((item) => item);
    if (split.join("\n") !== items.join("\n")) data = data.set(key, value.clear().concat(split));
  }
  return data;
}

// The file name of a new article is its slug (config.yml: slug "{{fields.slug}}"): filled here unless typed.
CMS.registerEventListener({
  name: "preSave",
  handler: async ({entry}) => {
    const data = sitegenSplitLists(entry.get("data"));
    if (!entry.get("newRecord") || String(data.get("slug") || "").trim()) return data;
    return data.set("slug", sitegenSlug(data.get("title"), await sitegenPinyin) || sitegenStamp(new Date()));
  },
});
