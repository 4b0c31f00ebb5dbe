/* sitegen site search: reads ?q=, fetches only the index shards of the query's bigrams, and lists the articles
   that contain every term, newest first, ten at a time, fetching each chunk of documents they are in once. No dependencies. The index format and the query logic are
   described in sitegen/search/format.py; tests/test_search.py holds the same logic in Python. */
(function () {
  "use strict";

  var SEPARATORS = /[\t\n\x0b\x0c\r \x85\u1680\u2028\u2029\ufeff]+/;
  var PAGE = 10;
  var BEFORE = 30; // at most this many characters before the first match in an excerpt
  var LENGTH = 90; // characters of an excerpt
  var BREAKS = "\n。！？!?；;"; // an excerpt starts after one of these when one is near before the match

  /* Traditional characters folded to Simplified (assets/search-fold.js, loaded before this script): 鄉 -> 乡. */
  var folding = null;
  function fold(text) {
    if (!folding) {
      folding = {};
      var table = window.sitegenFold || { from: "", to: "" };
      var from = Array.from(table.from), to = Array.from(table.to);
      for (var f = 0; f < from.length; f++) folding[from[f]] = to[f];
    }
    return folding[text] || text;
  }

  /* NFKC, lower case and folding, one character at a time; map[i] is the index in `text` of normalised position i. */
  function normalizeMapped(text) {
    var out = "";
    var map = [];
    for (var i = 0; i < text.length; ) {
      var char = String.fromCodePoint(text.codePointAt(i));
      var normal = Array.from(char.normalize("NFKC").toLowerCase()).map(fold).join("");
      for (var k = 0; k < normal.length; k++) map.push(i);
      out += normal;
      i += char.length;
    }
    map.push(text.length);
    return { text: out, map: map };
  }

  function normalize(text) {
    return normalizeMapped(text).text;
  }

  function queryTerms(query) {
    var seen = {};
    return normalize(query).split(SEPARATORS).filter(function (term) {
      if (!term || seen[term]) return false;
      seen[term] = true;
      return true;
    });
  }

  function bigrams(term) {
    var chars = Array.from(term);
    var grams = [];
    for (var i = 0; i + 1 < chars.length; i++) grams.push(chars[i] + chars[i + 1]);
    return grams;
  }

  /* FNV-1a, 32 bit, over the UTF-8 bytes, modulo the number of shards. */
  function shardOf(gram, shards) {
    var value = 0x811c9dc5;
    var bytes = new TextEncoder().encode(gram);
    for (var i = 0; i < bytes.length; i++) value = Math.imul(value ^ bytes[i], 0x01000193) >>> 0;
    return value % shards;
  }

  function intersect(a, b) {
    var out = [];
    for (var i = 0, j = 0; i < a.length && j < b.length; ) {
      if (a[i] < b[j]) i++;
      else if (a[i] > b[j]) j++;
      else { out.push(a[i]); i++; j++; }
    }
    return out;
  }

  function fetchJSON(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  function fetchBytes(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.arrayBuffer();
    });
  }

  var LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

  /* `count` little-endian uint32 from byte `offset` of `buffer` (a typed array view where the machine agrees). */
  function uint32s(buffer, offset, count) {
    if (LITTLE_ENDIAN) return new Uint32Array(buffer, offset, count);
    var view = new DataView(buffer);
    var out = new Uint32Array(count);
    for (var i = 0; i < count; i++) out[i] = view.getUint32(offset + 4 * i, true);
    return out;
  }

  /* A shard file (format in sitegen/search/format.py): its bigrams as code point pairs, their postings' offsets,
     and the postings as LEB128 gaps. */
  function Shard(buffer) {
    var count = uint32s(buffer, 0, 1)[0];
    this.count = count;
    this.keys = uint32s(buffer, 4, 2 * count);
    this.offsets = uint32s(buffer, 4 + 8 * count, count + 1);
    this.postings = new Uint8Array(buffer, 8 + 12 * count);
  }

  /* The ids of the articles holding `gram` (two characters), ascending; none when it is not in the shard. */
  Shard.prototype.ids = function (gram) {
    var first = gram.codePointAt(0);
    var second = gram.codePointAt(first > 0xffff ? 2 : 1);
    var low = 0;
    var high = this.count;
    while (low < high) { // the first entry not below (first, second)
      var middle = (low + high) >>> 1;
      var a = this.keys[2 * middle];
      if (a < first || (a === first && this.keys[2 * middle + 1] < second)) low = middle + 1;
      else high = middle;
    }
    var ids = [];
    if (low === this.count || this.keys[2 * low] !== first || this.keys[2 * low + 1] !== second) return ids;
    var id = 0;
    var value = 0;
    var shift = 0;
    for (var at = this.offsets[low]; at < this.offsets[low + 1]; at++) {
      var byte = this.postings[at];
      value += (byte & 0x7f) * Math.pow(2, shift);
      shift += 7;
      if (byte < 0x80) {
        id += value;
        ids.push(id);
        value = 0;
        shift = 0;
      }
    }
    return ids;
  };

  /* The index under `base` (a URL ending in /), fetched piece by piece (shards and chunks of documents) and kept
     in memory for the page's lifetime: a chunk is fetched once, however many of its documents are shown. */
  function Index(base) {
    this.base = base;
    this.meta = null;
    this.files = {};
  }

  Index.prototype.loadMeta = function () {
    var self = this;
    if (!this.meta) {
      this.meta = fetchJSON(this.base + "meta.json", { cache: "no-cache" }).catch(function (error) {
        self.meta = null; // let the next search try again
        throw error;
      });
    }
    return this.meta;
  };

  Index.prototype.file = function (path, read) {
    var self = this;
    return this.loadMeta().then(function (meta) {
      if (!self.files[path]) {
        self.files[path] = (read || fetchJSON)(self.base + path + "?v=" + meta.version).catch(function (error) {
          delete self.files[path];
          throw error;
        });
      }
      return self.files[path];
    });
  };

  /* Document `id`, from its chunk: docs/<c>.json holds ids c * meta.chunk to c * meta.chunk + meta.chunk - 1. */
  Index.prototype.doc = function (id) {
    var self = this;
    return this.loadMeta().then(function (meta) {
      return self.file("docs/" + Math.floor(id / meta.chunk) + ".json").then(function (chunk) {
        return chunk[id % meta.chunk];
      });
    });
  };

  /* Candidates (newest first) for the terms of two or more characters, and whether they are exact: true when every
     term has exactly two characters, whose posting is then the exact answer. Null when no term is long enough. */
  Index.prototype.candidates = function (terms) {
    var self = this;
    var grams = [];
    terms.forEach(function (term) {
      bigrams(term).forEach(function (gram) {
        if (grams.indexOf(gram) < 0) grams.push(gram);
      });
    });
    if (!grams.length) return Promise.resolve(null);
    var exact = terms.every(function (term) { return Array.from(term).length === 2; });
    return this.loadMeta().then(function (meta) {
      return Promise.all(grams.map(function (gram) {
        var shard = shardOf(gram, meta.shards);
        return self.file("shards/" + shard + ".bin", function (url) {
          return fetchBytes(url).then(function (buffer) { return new Shard(buffer); });
        }).then(function (shard) {
          return shard.ids(gram);
        });
      }));
    }).then(function (lists) {
      lists.sort(function (a, b) { return a.length - b.length; });
      var ids = lists.reduce(intersect);
      return { ids: ids.reverse(), exact: exact };
    });
  };

  function matches(doc, terms) {
    var searched = normalize(doc.title + "\n" + doc.text);
    return terms.every(function (term) { return searched.indexOf(term) >= 0; });
  }

  /* Ranges [start, end) of `normalised` holding a term, merged, within [from, to). */
  function marks(normalised, terms, from, to) {
    var ranges = [];
    terms.forEach(function (term) {
      for (var at = normalised.indexOf(term, from); at >= 0 && at < to; at = normalised.indexOf(term, at + 1)) {
        ranges.push([at, Math.min(at + term.length, to)]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (range) {
      var last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range.slice());
    });
    return merged;
  }

  /* Text of `original` between normalised positions from and to, terms wrapped in <mark>. */
  function highlighted(original, mapped, terms, from, to) {
    var fragment = document.createDocumentFragment();
    var at = from;
    function text(a, b) {
      return original.slice(mapped.map[a], mapped.map[b]).replace(/\s+/g, " ");
    }
    marks(mapped.text, terms, from, to).forEach(function (range) {
      if (range[0] > at) fragment.appendChild(document.createTextNode(text(at, range[0])));
      var mark = document.createElement("mark");
      mark.textContent = text(range[0], range[1]);
      fragment.appendChild(mark);
      at = range[1];
    });
    if (to > at) fragment.appendChild(document.createTextNode(text(at, to)));
    return fragment;
  }

  function excerpt(doc, terms) {
    var mapped = normalizeMapped(doc.text);
    var first = -1;
    terms.forEach(function (term) {
      var at = mapped.text.indexOf(term);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var from = Math.max(0, first - BEFORE);
    for (var i = first - 1; i >= from; i--) {
      if (BREAKS.indexOf(mapped.text.charAt(i)) >= 0) {
        from = i + 1;
        break;
      }
    }
    var to = Math.min(mapped.text.length, from + LENGTH);
    var fragment = document.createDocumentFragment();
    if (from > 0) fragment.appendChild(document.createTextNode("…"));
    fragment.appendChild(highlighted(doc.text, mapped, terms, from, to));
    if (to < mapped.text.length) fragment.appendChild(document.createTextNode("…"));
    return fragment;
  }

  function format(template, value) {
    return (template || "").replace("{0}", value);
  }

  function resultItem(doc, terms, root) {
    var item = document.createElement("li");
    item.className = "search-result";
    var heading = document.createElement("h2");
    heading.className = "search-result-title";
    var link = document.createElement("a");
    link.href = root + doc.url;
    var title = normalizeMapped(doc.title);
    link.appendChild(highlighted(doc.title, title, terms, 0, title.text.length));
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    var column = document.createElement("span");
    column.textContent = doc.column;
    var time = document.createElement("time");
    time.dateTime = doc.date;
    time.textContent = doc.date;
    meta.appendChild(column);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    var text = document.createElement("p");
    text.className = "search-result-excerpt";
    text.appendChild(excerpt(doc, terms));
    item.appendChild(heading);
    item.appendChild(meta);
    item.appendChild(text);
    return item;
  }

  /* One search: candidates are checked in order, PAGE verified results at a time. */
  function Search(index, query) {
    this.index = index;
    this.terms = queryTerms(query);
    this.ids = null;
    this.exact = false;
    this.next = 0; // position in ids of the next candidate to check
    this.found = 0; // verified so far
  }

  Search.prototype.start = function () {
    var self = this;
    return this.index.candidates(this.terms).then(function (result) {
      if (result) {
        self.ids = result.ids;
        self.exact = result.exact;
      }
      return result;
    });
  };

  Search.prototype.done = function () {
    return this.ids !== null && this.next >= this.ids.length;
  };

  /* The count to announce, and whether it is exact. */
  Search.prototype.count = function () {
    if (this.exact || this.done()) return { value: this.exact ? this.ids.length : this.found, exact: true };
    return { value: this.found + this.ids.length - this.next, exact: false };
  };

  Search.prototype.more = function () {
    var self = this;
    var shown = [];
    function step() {
      if (shown.length >= PAGE || self.done()) return Promise.resolve(shown);
      var batch = self.ids.slice(self.next, self.next + PAGE - shown.length);
      self.next += batch.length;
      return Promise.all(batch.map(function (id) { return self.index.doc(id); })).then(function (docs) {
        docs.forEach(function (doc) {
          if (matches(doc, self.terms)) shown.push(doc);
        });
        return step();
      });
    }
    return step().then(function (docs) {
      self.found += docs.length;
      return docs;
    });
  };

  function start() {
    var root = document.getElementById("search-results");
    if (!root) return;
    var data = root.dataset;
    var status = root.querySelector(".search-status");
    var list = root.querySelector(".search-list");
    var moreButton = root.querySelector(".search-more");
    var form = document.querySelector('form[role="search"]');
    var input = form ? form.querySelector('input[name="q"]') : null;
    var index = new Index(data.index);
    var current = null;

    function say(text, state) {
      status.textContent = text;
      root.setAttribute("data-state", state); // idle, loading, done or error: for tests and styles
    }

    function announce(search) {
      var count = search.count();
      if (!count.value) say(format(data.msgNone, search.terms.join(" ")), "done");
      else say(format(count.exact ? data.msgCount : data.msgAbout, count.value), "done");
    }

    function show(search, focusFirst) {
      list.setAttribute("aria-busy", "true");
      return search.more().then(function (docs) {
        if (search !== current) return;
        var first = null;
        docs.forEach(function (doc) {
          var item = resultItem(doc, search.terms, data.root);
          first = first || item.querySelector("a");
          list.appendChild(item);
        });
        list.removeAttribute("aria-busy");
        moreButton.hidden = search.done();
        announce(search);
        if (focusFirst && first) first.focus();
      });
    }

    // the other edition's search page is asked for the same words (the index folds 繁 and 简 to one script)
    function carryQuery(query) {
      document.querySelectorAll(".edition-switch a[href]").forEach(function (link) {
        var page = link.getAttribute("href").split("?")[0];
        link.setAttribute("href", query.trim() ? page + "?q=" + encodeURIComponent(query) : page);
      });
    }

    function run(query) {
      carryQuery(query);
      var search = new Search(index, query);
      current = search;
      list.textContent = "";
      moreButton.hidden = true;
      document.title = query.trim() ? format(data.titleFormat, query.trim()) : data.title;
      if (!search.terms.length) {
        say("", "idle");
        return Promise.resolve();
      }
      say(data.msgLoading, "loading");
      return search.start().then(function (result) {
        if (search !== current) return;
        if (!result) {
          say(data.msgShort, "done");
          return;
        }
        return show(search, false);
      }).catch(function (error) {
        if (search !== current) return;
        say(data.msgError, "error");
        if (window.console) console.error(error);
      });
    }

    moreButton.addEventListener("click", function () {
      if (current) show(current, true).catch(function () { say(data.msgError, "error"); });
    });

    var query = new URLSearchParams(location.search).get("q") || "";
    if (input) {
      input.value = query;
      var timer = null;
      var later = function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
          run(input.value);
        }, 250);
      };
      // search as the reader types, but not while an input method is still composing (pinyin letters)
      input.addEventListener("input", function (event) {
        if (!event.isComposing) later();
      });
      input.addEventListener("compositionend", later);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        clearTimeout(timer);
        if ((new URLSearchParams(location.search).get("q") || "") !== input.value) {
          history.pushState(null, "", "?q=" + encodeURIComponent(input.value));
        }
        run(input.value);
      });
    }
    window.addEventListener("popstate", function () {
      var query = new URLSearchParams(location.search).get("q") || "";
      if (input) input.value = query;
      run(query);
    });
    root.hidden = false;
    run(query);
  }

  window.sitegenSearch = {
    Index: Index,
    queryTerms: queryTerms,
    normalize: normalize,
    shardOf: shardOf,
    Shard: Shard,
    matches: matches
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
