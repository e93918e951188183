// What a TypeScript frontend writes against Newsdesk: a client generated from
// openapi/openapi.json by openapi-typescript (src/schema.d.ts) and called through openapi-fetch.
// Every field is read through the generated types: no casts, no `any`. If the document loses
// precision (a bare `object`, a `{}`), this stops compiling.
//
// Usage: node dist/client.js <server URL> <e-mail> <password>
// Prints one JSON object of what it saw, for the Rust test to check.

import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const [baseUrl, email, password] = process.argv.slice(2);
if (baseUrl === undefined || email === undefined || password === undefined) {
  throw new Error("usage: node dist/client.js <server URL> <e-mail> <password>");
}

// An article has two forms (JSON, and IPTC ninjs by `Accept`); this frontend reads the JSON one
// (and problems as `application/problem+json`).
const client = createClient<paths, "application/json" | "application/problem+json">({ baseUrl });

// The public list, with bylines embedded.
const list = await client.GET("/v1/articles", { params: { query: { include: "authors", limit: 10 } } });
if (list.error !== undefined) {
  throw new Error(`listing articles failed: ${list.error.status} ${list.error.detail}`);
}
const first = list.data.data[0];
const listedTitle: string | undefined = first.title;
const listedSlug = first.slug;
if (listedSlug === undefined) {
  throw new Error("the listed article has no slug");
}

// The same list asking for two fields only: a partial article, every property optional.
const sparse = await client.GET("/v1/articles", { params: { query: { fields: "slug,title" } } });
if (sparse.error !== undefined) {
  throw new Error(`listing sparse articles failed: ${sparse.error.detail}`);
}
const sparseTitle: string | undefined = sparse.data.data[0].title;
const sparseKeys = Object.keys(sparse.data.data[0]).sort();

// One article by slug: a single article always carries its byline.
const one = await client.GET("/v1/articles/{slug}", { params: { path: { slug: listedSlug } } });
if (one.error !== undefined) {
  throw new Error(`reading ${listedSlug} failed: ${one.error.detail}`);
}
const article = one.data;
const byline: string | undefined = article.authors?.[0].name;
const bylineCount: number = article.authors?.length ?? 0;

// Logging in, then writing as that user.
const login = await client.POST("/v1/auth/login", { body: { email, password } });
if (login.error !== undefined) {
  throw new Error(`logging in failed: ${login.error.detail}`);
}
const headers = { Authorization: `Bearer ${login.data.access_token}` };

const created = await client.POST("/v1/admin/articles", {
  body: { title: "Tide tables for the winter", summary: "Printed weekly.", authors: [] },
  headers,
});
if (created.error !== undefined) {
  throw new Error(`creating a draft failed: ${created.error.detail}`);
}
const draft = created.data;
const draftStatus: "draft" | "in_review" | "approved" | "scheduled" | "published" | "archived" | "retracted" =
  draft.status;

// An invalid draft: the 422 is problem+json naming the fields at fault.
const invalid = await client.POST("/v1/admin/articles", { body: { title: "" }, headers });
if (invalid.error === undefined) {
  throw new Error("an article without a title was accepted");
}
const invalidStatus: number = invalid.response.status;
const invalidField: string | undefined = invalid.error.errors?.[0].field;
const invalidMessage: string | undefined = invalid.error.errors?.[0].message;

console.log(
  JSON.stringify({
    listed_title: listedTitle,
    sparse_title: sparseTitle,
    sparse_keys: sparseKeys,
    byline,
    byline_count: bylineCount,
    token_type: login.data.token_type,
    draft_slug: draft.slug,
    draft_status: draftStatus,
    draft_version: draft.version,
    invalid_status: invalidStatus,
    invalid_content_type: invalid.response.headers.get("content-type"),
    invalid_field: invalidField,
    invalid_message: invalidMessage,
  }),
);
