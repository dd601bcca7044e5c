/** Link rules for untrusted answers: only absolute http(s) URLs ever become clickable. */

// Not mailto: either: an answer has no reason to open the mail client (with a prefilled recipient and body).
const ALLOWED_PROTOCOLS: ReadonlySet<string> = new Set(["http:", "https:"]);

/** The normalised URL when it is safe to link to, otherwise null (relative, javascript:, data:, ...). */
export function safeHref(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) {
    return null;
  }
  let url: URL;
  try {
    // No base: relative URLs throw and stay plain text, since an answer has no business linking into the app.
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  return ALLOWED_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/** Whether a URL points at the bundled sample catalogue (its events live on a reserved `.example` domain). */
export function isSampleUrl(raw: string | null | undefined): boolean {
  const href = safeHref(raw);
  if (href === null) {
    return false;
  }
  const host = new URL(href).hostname;
  return host === "example" || host.endsWith(".example");
}

const URL_IN_TEXT = /https?:\/\/[^\s<>()[\]"'`]+/gi;

/** Whether Markdown text links to the sample catalogue (works on partial answers too). */
export function hasSampleLink(text: string): boolean {
  return Array.from(text.matchAll(URL_IN_TEXT), (match) => match[0]).some(isSampleUrl);
}
