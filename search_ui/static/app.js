// Sharing Hub: the search page without full reloads. Every control is a plain link or form that works
// without this file; here the same URLs are fetched with the X-Sharehub-Partial header and only the
// results region is replaced. The address bar always holds the search (shareable; Back works).
"use strict";

(function () {
  const form = document.getElementById("search-form");
  const results = document.getElementById("results");
  if (!form || !results) return;
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  const sort = document.getElementById("sort");
  const nearMe = document.getElementById("near-me");
  const lang = document.documentElement.lang || "ko";
  const liveStatus = document.getElementById("live-status");
  const suggestUrl = form.dataset.suggest;
  let pending = null;   // the AbortController of the request in flight
  let typingTimer = 0;
  let typing = false;   // this burst of typing already has its own history entry
  let shownUrl = withoutHash(window.location.href);

  function withoutHash(url) { return url.split("#")[0]; }

  function formUrl() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params.entries()]) if (value === "") params.delete(key);
    params.delete("lang");
    const query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  async function load(url, how, focusResults) {
    if (pending) pending.abort();
    const mine = pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, {headers: {"X-Sharehub-Partial": "1"}, signal: mine.signal,
                                          credentials: "same-origin"});
      if (response.status === 429 || response.status >= 500 && response.status !== 503) {
        window.location.assign(url);   // let the full page explain
        return;
      }
      results.innerHTML = await response.text();
      const region = results.querySelector(".results-region");
      if (region && region.dataset.title) document.title = region.dataset.title;
      if (how === "push" && withoutHash(url) === shownUrl) how = "replace";   // no duplicate entries
      if (how === "push") history.pushState({url}, "", url);
      else if (how === "replace") history.replaceState({url}, "", url);
      shownUrl = withoutHash(window.location.href);
      syncForm(url);
      const heading = document.getElementById("results-heading");
      if (liveStatus) liveStatus.textContent = heading ? heading.textContent : "";   // announced once
      if (focusResults && heading) heading.focus();   // the clicked link is gone: focus what replaced it
    } catch (error) {
      if (error.name !== "AbortError") window.location.assign(url);
    } finally {
      if (pending === mine) results.removeAttribute("aria-busy");
    }
  }

  // After a facet or page link, the form's hidden filters must match the new URL, so that the next
  // words typed keep them.
  function syncForm(url) {
    const params = new URL(url, window.location.href).searchParams;
    for (const hidden of [...form.querySelectorAll("input[type=hidden]")]) if (hidden.name !== "lang") hidden.remove();
    for (const [key, value] of params.entries()) {
      if (key === "q" || key === "sort" || key === "page") continue;
      const hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = key; hidden.value = value;
      form.appendChild(hidden);
    }
    if (document.activeElement !== input) input.value = params.get("q") || "";
    // What lies outside the results region follows the search too: the language switch and the feeds.
    for (const link of document.querySelectorAll("nav.lang a[hreflang]")) {
      const kept = new URLSearchParams(params);
      kept.delete("page"); kept.set("lang", link.getAttribute("hreflang"));
      link.setAttribute("href", "?" + kept.toString());
    }
    for (const link of document.querySelectorAll("link[rel=alternate][data-feed]")) {
      const kept = new URLSearchParams(params);
      for (const key of ["page", "per_page", "sort"]) kept.delete(key);
      kept.set("lang", lang);
      link.setAttribute("href", link.dataset.feed + "?" + kept.toString());
    }
    const wanted = params.get("sort") || "relevance";
    sort.value = [...sort.options].some((option) => option.value === wanted) ? wanted : "relevance";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typingTimer);
    hideSuggestions();
    typing = false;
    load(formUrl(), "push");
  });
  sort.addEventListener("change", () => { typing = false; load(formUrl(), "push"); });
  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    // The first pause of a burst of typing makes a history entry; the next ones update it.
    typingTimer = setTimeout(() => { load(formUrl(), typing ? "replace" : "push"); typing = true; }, 300);
    suggest();
  });
  results.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    // An SVG link's href and target are not strings: read the attributes.
    const href = link && link.getAttribute("href");
    if (!href || link.getAttribute("target") === "_blank" || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== new URL(form.action).pathname) return;
    event.preventDefault();
    clearTimeout(typingTimer);
    typing = false;
    load(url.href, "push", true).then(() => {
      if (url.searchParams.has("page")) document.getElementById("results-heading")?.scrollIntoView();
    });
  });
  window.addEventListener("popstate", () => {
    if (withoutHash(window.location.href) === shownUrl) return;   // only the hash moved (skip link)
    typing = false;
    load(window.location.href, null);
  });

  // -- suggestions: an ARIA combobox over the search box --------------------------------------------
  let suggestTimer = 0, active = -1, items = [];
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", "suggestions");
  input.setAttribute("aria-expanded", "false");

  function hideSuggestions() {
    list.hidden = true; list.textContent = ""; items = []; active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function suggest() {
    clearTimeout(suggestTimer);
    const text = input.value.trim();
    if (!text) { hideSuggestions(); return; }
    suggestTimer = setTimeout(async () => {
      try {
        const response = await fetch(`${suggestUrl}?q=${encodeURIComponent(text)}&lang=${lang}`);
        if (!response.ok) return hideSuggestions();
        const body = await response.json();
        if (input.value.trim() !== text) return;
        render(body.suggestions || []);
      } catch (error) { hideSuggestions(); }
    }, 120);
  }

  function render(found) {
    list.textContent = ""; items = found; active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!found.length) { hideSuggestions(); return; }
    found.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = `suggestion-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = item.label;
      if (item.kind_label) {
        const kind = document.createElement("span");
        kind.className = "kind"; kind.textContent = ` · ${item.kind_label}`;
        option.appendChild(kind);
      }
      option.addEventListener("mousedown", (event) => { event.preventDefault(); choose(index); });
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(index) {
    const options = list.querySelectorAll("li");
    options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function addFilter(name, value) {
    for (const existing of form.querySelectorAll("input[type=hidden]")) {
      if (existing.name === name && existing.value === value) return;
    }
    const hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = name; hidden.value = value;
    form.appendChild(hidden);
  }

  function choose(index) {
    const item = items[index];
    if (!item) return;
    if (item.kind === "category" || item.kind === "district" || item.kind === "platform") {
      addFilter(item.kind, item.value);
      input.value = "";
    } else {
      input.value = item.value;
    }
    hideSuggestions();
    clearTimeout(typingTimer);
    typing = false;
    load(formUrl(), "push");
  }

  input.addEventListener("keydown", (event) => {
    if (list.hidden || event.isComposing) return;   // a Korean syllable still being composed
    if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
    else if (event.key === "Escape") { event.preventDefault(); hideSuggestions(); }   // not also clear the box
  });
  input.addEventListener("blur", () => setTimeout(hideSuggestions, 150));

  // -- near me: the browser's location, asked for only on this click, used for this search only --------
  if (nearMe && "geolocation" in navigator) {
    nearMe.hidden = false;
    nearMe.addEventListener("click", () => {
      nearMe.disabled = true;
      navigator.geolocation.getCurrentPosition((position) => {
        nearMe.disabled = false;
        const {latitude, longitude} = position.coords;
        for (const hidden of form.querySelectorAll("input[name=near], input[name=radius_km]")) hidden.remove();
        addFilter("near", `${latitude.toFixed(3)},${longitude.toFixed(3)}`);
        if (![...sort.options].some((option) => option.value === "distance")) {
          sort.add(new Option(nearMe.dataset.nearest, "distance"));
        }
        sort.value = "distance";
        typing = false;
        load(formUrl(), "push");
      }, () => {
        nearMe.disabled = false;
        const message = document.createElement("p");
        message.className = "error"; message.setAttribute("role", "alert");
        message.textContent = nearMe.dataset.error;
        nearMe.after(message);
        setTimeout(() => message.remove(), 6000);
      }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 60000});
    });
  }
})();
