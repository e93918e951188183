// A reference reader: everything on this page comes from Newsdesk's public API.
// Copy freely. It renders an article like a news site's article page, with "New Articles",
// "Most viewed" and related links, and sends the view beacon.
"use strict";

const api = (path) => fetch(path, { headers: { accept: "application/json" } }).then((r) => {
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.json();
});

const text = (id, value) => { document.getElementById(id).textContent = value || ""; };
const articleLink = (slug) => `/articles/${encodeURIComponent(slug)}`;

function card(article, extra) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = articleLink(article.slug);
  a.textContent = article.title;
  li.append(a);
  if (article.summary) {
    const p = document.createElement("p");
    p.textContent = article.summary;
    li.append(p);
  }
  if (extra) {
    const span = document.createElement("span");
    span.className = "views";
    span.textContent = extra;
    li.append(span);
  }
  return li;
}

function renderArticle(article) {
  document.title = `${article.title} · Newsdesk`;
  text("section", article.section && article.section.name);
  text("headline", article.title);
  text("summary", article.summary);
  text("source", article.source && (article.source.short_name || article.source.name));
  const names = (article.authors || []).map((a) => a.name);
  text("byline", names.length ? `By ${names.join(", ").replace(/, ([^,]*)$/, " and $1")}` : "");
  const published = document.getElementById("published");
  if (article.published_at) {
    published.dateTime = article.published_at;
    published.textContent = new Date(article.published_at).toLocaleDateString(undefined, { dateStyle: "long" });
  }
  if (article.featured_image) {
    document.getElementById("figure").hidden = false;
    const img = document.getElementById("image");
    img.src = article.featured_image.url;
    img.alt = article.featured_image.alt || "";
    text("caption", [article.featured_image.caption, article.featured_image.credit].filter(Boolean).join(" · "));
  }
  // The API sanitizes article HTML before it leaves the server.
  document.getElementById("body").innerHTML = (article.body && article.body.html) || "";
  renderCorrections(article.corrections || []);
}

// Corrections, clarifications and updates, oldest first, at the end of the story; a removed
// note shows that it was removed and why.
function renderCorrections(notes) {
  const labels = { correction: "Correction", clarification: "Clarification", update: "Update" };
  const day = (at) => new Date(at).toLocaleDateString(undefined, { dateStyle: "long" });
  const list = document.getElementById("corrections");
  list.replaceChildren(...notes.map((note) => {
    const li = document.createElement("li");
    li.className = `note ${note.kind}${note.removed_at ? " removed" : ""}`;
    const label = document.createElement("strong");
    const time = document.createElement("time");
    time.dateTime = note.created_at;
    time.textContent = day(note.created_at);
    if (note.removed_at) {
      label.textContent = `${labels[note.kind] || note.kind} removed`;
      li.append(label, " (", time, "): ", note.removal_reason || "");
    } else {
      label.textContent = labels[note.kind] || note.kind;
      const text = document.createElement("div");
      text.innerHTML = note.html || "";
      li.append(label, " (", time, ")", text);
    }
    return li;
  }));
  document.getElementById("corrections-box").hidden = notes.length === 0;
}

function renderRelated(items) {
  const list = document.getElementById("related");
  list.replaceChildren();
  for (const { link } of items) {
    if (link.type === "article") {
      list.append(card(link.article));
    } else {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = link.url;
      a.rel = "noopener";
      a.textContent = link.title || link.url;
      li.append(a);
      if (link.source) li.append(` (${link.source})`);
      list.append(li);
    }
  }
  document.getElementById("related-box").hidden = items.length === 0;
}

// A live blog: its entries, newest first (pinned ones on top), kept current by the live stream.
// `EventSource` reconnects by itself with `Last-Event-ID`, and the server sends what it missed.
function entryItem(entry) {
  const li = document.createElement("li");
  li.dataset.id = entry.id;
  li.className = entry.pinned ? "entry pinned" : "entry";
  const meta = document.createElement("p");
  meta.className = "entry-meta";
  const time = document.createElement("time");
  time.dateTime = entry.created_at;
  time.textContent = new Date(entry.created_at).toLocaleTimeString(undefined, { timeStyle: "short" });
  meta.append(time);
  if (entry.author) meta.append(` · ${entry.author.name}`);
  if (entry.pinned) meta.append(" · Pinned");
  const body = document.createElement("div");
  // Sanitized on the server, like the article's body.
  body.innerHTML = entry.body_html || "";
  li.append(meta, body);
  if (entry.image) {
    const img = document.createElement("img");
    img.src = entry.image.url;
    img.alt = entry.image.alt || "";
    li.append(img);
  }
  return li;
}

function followLive(article) {
  if (!article.live) return;
  const slug = encodeURIComponent(article.slug);
  const list = document.getElementById("entries");
  const entries = new Map();
  let stream = null;
  let seen = 0;
  let retryIn = 1000;
  const render = () => {
    const sorted = [...entries.values()].sort((a, b) =>
      (b.pinned - a.pinned) || b.created_at.localeCompare(a.created_at));
    list.replaceChildren(...sorted.map(entryItem));
  };
  // The list first (fresh: past the browser's cache), then the stream from the list's newest
  // seq, so nothing posted in between is missed; events are applied by id, never twice.
  const follow = async (from = 0) => {
    if (stream) stream.close();
    const fresh = await fetch(`/v1/articles/${slug}/entries?limit=50`, {
      headers: { accept: "application/json" }, cache: "no-cache",
    });
    if (!fresh.ok) throw new Error(`entries: ${fresh.status}`);
    const page = await fresh.json();
    entries.clear();
    page.data.forEach((e) => entries.set(e.id, e));
    seen = Math.max(from, ...page.data.map((e) => e.seq));
    render();
    if (article.live.status !== "live") return;
    stream = new EventSource(`/v1/articles/${slug}/live?last_event_id=${seen}`);
    stream.addEventListener("open", () => { retryIn = 1000; document.body.dataset.live = "connected"; });
    const apply = (event) => {
      const entry = JSON.parse(event.data).entry;
      entries.set(entry.id, entry);
      render();
    };
    stream.addEventListener("entry.created", apply);
    stream.addEventListener("entry.updated", apply);
    stream.addEventListener("entry.deleted", (event) => {
      entries.delete(JSON.parse(event.data).id);
      render();
    });
    // The reset's id is the stream's newest: the reloaded list is at least that new.
    stream.addEventListener("reset", (event) => { follow(Number(event.lastEventId) || 0).catch(retry); });
    // EventSource reconnects by itself after a dropped connection, but not after a refusal
    // (a server at its stream limit answers 503): then start over, waiting longer each time.
    stream.addEventListener("error", () => {
      if (stream.readyState === EventSource.CLOSED) retry();
    });
  };
  const retry = () => {
    document.body.dataset.live = "retrying";
    setTimeout(() => follow().catch(retry), retryIn);
    retryIn = Math.min(retryIn * 2, 60000);
  };
  document.getElementById("live-box").hidden = false;
  text("live-status", article.live.status === "live" ? "· updating" : "· ended");
  follow().catch(retry);
}

async function main() {
  const match = location.pathname.match(/^\/articles\/([^/]+)$/);
  let slug = match && decodeURIComponent(match[1]);
  const newest = await api("/v1/articles?limit=6&include=section");
  if (!slug && newest.data.length) slug = newest.data[0].slug;
  document.getElementById("newest").replaceChildren(
    ...newest.data.filter((a) => a.slug !== slug).slice(0, 5).map((a) => card(a)),
  );
  if (!slug) {
    text("headline", "No articles yet");
    return;
  }
  const answer = await fetch(`/v1/articles/${encodeURIComponent(slug)}`, { headers: { accept: "application/json" } });
  if (answer.status === 410) {
    // Retracted: the API says why and when; the page says so instead of the article.
    const notice = await answer.json();
    document.title = "Retracted · Newsdesk";
    text("section", "Retracted");
    text("headline", "This article has been retracted");
    text("summary", notice.reason);
    const when = document.getElementById("published");
    when.dateTime = notice.retracted_at;
    when.textContent = `Retracted ${new Date(notice.retracted_at).toLocaleDateString(undefined, { dateStyle: "long" })}`;
    document.body.dataset.ready = "retracted";
    return;
  }
  if (!answer.ok) throw new Error(`/v1/articles/${slug}: ${answer.status}`);
  const article = await answer.json();
  renderArticle(article);
  followLive(article);
  // The beacon first, then the lists, so this view can count in "Most viewed".
  await fetch(`/v1/articles/${encodeURIComponent(article.slug)}/views`, { method: "POST" });
  const [related, mostViewed] = await Promise.all([
    api(`/v1/articles/${encodeURIComponent(article.slug)}/related?limit=5`),
    api("/v1/articles/most-viewed?window=week&limit=5"),
  ]);
  renderRelated(related.data);
  document.getElementById("most-viewed").replaceChildren(
    ...mostViewed.data.map(({ article: a, views }) => card(a, `${views} view${views === 1 ? "" : "s"}`)),
  );
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  text("headline", "This article could not be loaded");
  text("summary", String(error));
  document.body.dataset.ready = "error";
});
