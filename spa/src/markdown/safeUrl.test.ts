import { describe, expect, it } from "vitest";
import { hasSampleLink, isSampleUrl, safeHref } from "./safeUrl";

describe("safeHref", () => {
  it.each([
    ["https://connpass.com/event/1/", "https://connpass.com/event/1/"],
    ["http://example.com", "http://example.com/"],
    ["  HTTPS://Example.com/a b", "https://example.com/a%20b"],
  ])("allows %s", (raw, href) => {
    expect(safeHref(raw)).toBe(href);
  });

  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "mailto:team@example.com?subject=x&body=y", // only http(s) is clickable (issue 5)
    "tel:+81312345678",
    "file:///etc/passwd",
    "/relative/path",
    "#top",
    "//evil.example/x",
    "",
    null,
    undefined,
  ])("refuses %j", (raw) => {
    expect(safeHref(raw)).toBeNull();
  });
});

describe("isSampleUrl", () => {
  it("recognises the sample catalogue's .example domain", () => {
    expect(isSampleUrl("https://sample-connpass.example/event/1/")).toBe(true);
    expect(isSampleUrl("https://connpass.com/event/1/")).toBe(false);
    expect(isSampleUrl("https://example.com/")).toBe(false);
    expect(isSampleUrl(null)).toBe(false);
  });
});

describe("hasSampleLink", () => {
  it("finds a sample-catalogue link anywhere in Markdown, complete or not", () => {
    expect(hasSampleLink("### [TSConf](https://ts.sample-connpass.example/event/1/)\n- 📅 12月5日")).toBe(true);
    expect(hasSampleLink("途中まで [TSConf](https://sample-connpass.example/ev")).toBe(true);
    expect(hasSampleLink("<https://sample-connpass.example/event/2/>")).toBe(true);
    expect(hasSampleLink("[本物](https://connpass.com/event/1/) と https://example.com/")).toBe(false);
    expect(hasSampleLink("こんにちは")).toBe(false);
  });
});
