// @vitest-environment jsdom
/** Rendering real answers well, and hostile answers inertly. */

import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { shownEvent } from "../test/events";
import { MORE_LINK_TEXT } from "./EventCard";
import { Markdown, htmlToText } from "./Markdown";

function renderMarkdown(text: string): HTMLElement {
  const { container } = render(<Markdown text={text} />);
  return container;
}

/** Every element and attribute a browser could run script from. */
function expectInert(container: HTMLElement): void {
  expect(container.querySelector("script, iframe, object, embed, img, svg, style, form, input:not([type=checkbox])")).toBeNull();
  for (const element of container.querySelectorAll("*")) {
    for (const attribute of element.getAttributeNames()) {
      expect(attribute.startsWith("on"), `${element.tagName} has ${attribute}`).toBe(false);
      expect(attribute).not.toBe("style");
    }
  }
  for (const link of container.querySelectorAll("a")) {
    expect(link.getAttribute("href")).toMatch(/^https?:/);
  }
}

describe("Markdown", () => {
  it("renders headings, lists, emphasis, code, tables and quotes", () => {
    const container = renderMarkdown(
      [
        "# おすすめ",
        "## 東京",
        "- **TSConf** は *必見*",
        "- `npm ci` で準備",
        "",
        "1. 一つ目",
        "2. 二つ目",
        "",
        "```ts",
        "const x: number = 1 < 2 ? 1 : 2;",
        "```",
        "",
        "> 引用",
        "",
        "| 名前 | 人数 |",
        "|:--|--:|",
        "| TSConf | 10 |",
        "",
        "A &amp; B ~~旧~~",
      ].join("\n"),
    );
    expect(screen.getByRole("heading", { level: 3, name: "おすすめ" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 4, name: "東京" })).toBeInTheDocument();
    expect(container.querySelector("ul strong")?.textContent).toBe("TSConf");
    expect(container.querySelector("ul em")?.textContent).toBe("必見");
    expect(container.querySelector("ol")?.children).toHaveLength(2);
    expect(container.querySelector("pre code")?.textContent).toBe("const x: number = 1 < 2 ? 1 : 2;");
    expect(container.querySelector("blockquote")?.textContent).toBe("引用");
    const table = screen.getByRole("table");
    expect(within(table).getByRole("columnheader", { name: "人数" })).toHaveClass("align-right");
    expect(within(table).getByRole("cell", { name: "TSConf" })).toBeInTheDocument();
    expect(container).toHaveTextContent("A & B 旧");
    expect(container.querySelector("del")?.textContent).toBe("旧");
  });

  it("leaves e-mail addresses and mailto links as plain text", () => {
    const container = renderMarkdown("連絡先 team@example.com と [メール](mailto:team@example.com?body=hi)");
    expect(container.querySelector("a")).toBeNull();
    expect(container).toHaveTextContent("連絡先 team@example.com と メール");
  });

  it("turns single newlines into line breaks", () => {
    const container = renderMarkdown("一行目\n二行目");
    expect(container.querySelector("p br")).not.toBeNull();
  });

  it("opens http(s) links in a new tab without opener or referrer", () => {
    renderMarkdown("[TSConf](https://sample-connpass.example/event/1/ \"詳細\") と https://connpass.com/event/2/");
    const links = screen.getAllByRole("link");
    expect(links).toHaveLength(2);
    for (const link of links) {
      expect(link).toHaveAttribute("target", "_blank");
      expect(link).toHaveAttribute("rel", "noopener noreferrer");
    }
    expect(links[0]).toHaveAttribute("href", "https://sample-connpass.example/event/1/");
    expect(links[0]).toHaveAttribute("title", "詳細");
    expect(links[1]).toHaveAttribute("href", "https://connpass.com/event/2/");
  });

  it("keeps script tags as inert text or drops them", () => {
    const container = renderMarkdown("前<script>alert(1)</script>後\n\n<script>\nalert(2)\n</script>\n\n<SCRIPT SRC=//evil.example/x.js></SCRIPT>");
    expectInert(container);
    expect(container.textContent).not.toContain("alert(2)");
    expect(container).toHaveTextContent("前");
  });

  it.each([
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java%0ascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click](/relative)",
  ])("never makes a clickable link of %s", (text) => {
    const container = renderMarkdown(text);
    expectInert(container);
    expect(screen.queryByRole("link")).toBeNull();
  });

  it("does not load images: an http(s) image becomes a link, others their alt text", () => {
    const container = renderMarkdown(
      "![ロゴ](https://tracker.example/pixel.png) ![x](javascript:alert(1)) <img src=x onerror=alert(1)> ![](data:image/png;base64,AAAA)",
    );
    expectInert(container);
    const link = screen.getByRole("link");
    expect(link).toHaveAttribute("href", "https://tracker.example/pixel.png");
    expect(link).toHaveTextContent("ロゴ");
    expect(container).toHaveTextContent("x");
  });

  it("reduces raw HTML to its text", () => {
    const container = renderMarkdown(
      '<div onclick="alert(1)"><b>太字</b> <a href="javascript:alert(1)">リンク</a></div>\n\n文中の <iframe src="https://evil.example"></iframe><u>下線</u> <svg onload=alert(1)></svg>\n\n<style>body{display:none}</style>',
    );
    expectInert(container);
    expect(container).toHaveTextContent("太字 リンク");
    expect(container).toHaveTextContent("下線");
    expect(container.textContent).not.toContain("display:none");
    expect(screen.queryByRole("link")).toBeNull();
  });

  it("leaves HTML inside code as visible text", () => {
    const container = renderMarkdown("`<img src=x onerror=alert(1)>`\n\n```html\n<script>alert(1)</script>\n```");
    expectInert(container);
    expect(container.querySelector("p code")?.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(container.querySelector("pre code")?.textContent).toBe("<script>alert(1)</script>");
  });
});

const ANSWER = [
  "「TypeScript」のカンファレンスを 2 件見つけました。",
  "",
  "### [TSConf Online](https://ts.sample-connpass.example/event/1/)",
  "- 📅 2027年2月20日(土) 10:00〜18:00",
  "- 📍 オンライン",
  "- 👥 91/200人・受付中",
  "",
  "### [TSConf Japan](https://ts-tokyo.sample-connpass.example/event/2/)",
  "- 📅 2027年5月22日(土) 10:00〜18:00",
  "- 👥 200/200人・満席（補欠登録可）",
  "",
  "場所や時期を指定して絞り込めます。",
].join("\n");

describe("Markdown event sections", () => {
  it("shows each event once, as a card holding its heading link and details, between the other text", () => {
    const container = renderMarkdown(ANSWER);
    const grid = screen.getByRole("list", { name: "紹介したイベント（2件）" });
    const cards = within(grid).getAllByRole("listitem", { name: "" }).filter((item) => item.parentElement === grid);
    expect(cards).toHaveLength(2);
    expect(within(cards[0] as HTMLElement).getByRole("heading", { name: "TSConf Online" })).toBeInTheDocument();
    expect(within(cards[0] as HTMLElement).getByRole("link", { name: "TSConf Online" })).toHaveAttribute("target", "_blank");
    expect(cards[1]).toHaveTextContent("200/200人・満席（補欠登録可）");
    expect(screen.getAllByRole("link")).toHaveLength(2); // no second copy of any event
    const paragraphs = Array.from(container.querySelectorAll(".markdown > p"), (p) => p.textContent);
    expect(paragraphs).toEqual(["「TypeScript」のカンファレンスを 2 件見つけました。", "場所や時期を指定して絞り込めます。"]);
  });

  it("leaves headings that are not a single link, and lists without such a heading, as they are", () => {
    renderMarkdown("### おすすめ\n- 一つ目\n\n### [A](https://a.example/) と [B](https://b.example/)\n- 詳細");
    expect(screen.queryByRole("list", { name: /紹介したイベント/ })).toBeNull();
    expect(screen.getByRole("heading", { name: "おすすめ" })).toBeInTheDocument();
  });

  it("grows with a streamed answer: a card appears with its heading and keeps its finished parts", () => {
    const cut = ANSWER.indexOf("### [TSConf Japan]");
    const { container, rerender } = render(<Markdown text={ANSWER.slice(0, cut + 30)} />);
    const first = screen.getByRole("heading", { name: "TSConf Online" });
    for (let end = cut + 30; end <= ANSWER.length; end += 7) {
      rerender(<Markdown text={ANSWER.slice(0, end)} />);
    }
    rerender(<Markdown text={ANSWER} />);
    expect(screen.getByRole("heading", { name: "TSConf Online" })).toBe(first); // not re-created on every piece
    expect(screen.getAllByRole("listitem").filter((item) => item.classList.contains("event-card"))).toHaveLength(2);
    expect(container).toHaveTextContent("場所や時期を指定して絞り込めます。");
  });
});

describe("event cards from the tool data", () => {
  // The model misstates the date and the count; the tool data (events) is what the card shows.
  const WRONG = [
    "「TypeScript」のカンファレンスを 2 件見つけました。",
    "",
    "### [TSConf Online（モデルの表記）](https://ts.sample-connpass.example/event/1/)",
    "- 📅 2027年2月21日(日) 10:00〜18:00",
    "- 📍 オンライン",
    "- 👥 90/200人・受付中",
    "- 💡 型パズルから最新動向まで一日で",
    "- 🔰 初心者歓迎",
    "",
    "### [TSConf Japan](https://ts-tokyo.sample-connpass.example/event/2)",
    "- 日時: 2027年5月22日(土)",
    "- 💡 年に一度のお祭り [詳細](javascript:alert(1))",
    "",
    "場所や時期を指定して絞り込めます。",
  ].join("\n");
  const online = shownEvent({
    url: "https://ts.sample-connpass.example/event/1/",
    title: "TSConf Online",
    date: "2027年2月20日(土) 10:00〜18:00",
    place: "オンライン",
    prefecture: "オンライン",
    online: true,
    accepted: 91,
    limit: 200,
    group: "TypeScript Online Community",
  });
  const tokyo = shownEvent({
    url: "https://ts-tokyo.sample-connpass.example/event/2/",
    title: "TSConf Japan",
    date: "2027年5月22日(土) 10:00〜18:00",
    place: "大手町サンプルホール",
    accepted: 1000,
    limit: 1000,
    waiting: 4,
    status: "full",
    status_label: "満席（補欠登録可）",
    group: null,
  });

  function cards(): HTMLElement[] {
    const grid = screen.getByRole("list", { name: /紹介したイベント/ });
    return within(grid).getAllByRole("listitem").filter((item) => item.parentElement === grid);
  }

  it("shows the tool's facts, the community and the answer's reason, and links to the event page", () => {
    const { container } = render(<Markdown text={WRONG} events={[online, tokyo]} />);
    const [first, second] = cards() as [HTMLElement, HTMLElement];
    expect(within(first).getByRole("heading", { name: "TSConf Online" })).toBeInTheDocument();
    expect(first).toHaveTextContent("2027年2月20日(土) 10:00〜18:00");
    expect(first).not.toHaveTextContent("2月21日");
    expect(first).toHaveTextContent("場所: オンライン");
    expect(first).toHaveTextContent("91/200人 受付中");
    expect(first).not.toHaveTextContent("90/200人");
    expect(first).toHaveTextContent("主催 TypeScript Online Community");
    expect(first).toHaveTextContent("💡 型パズルから最新動向まで一日で");
    expect(first).toHaveTextContent("🔰 初心者歓迎"); // not a fact the card shows itself
    for (const link of within(first).getAllByRole("link")) {
      expect(link).toHaveAttribute("href", online.url);
      expect(link).toHaveAttribute("target", "_blank");
      expect(link).toHaveAttribute("rel", "noopener noreferrer");
    }
    expect(within(first).getByRole("link", { name: "TSConf Onlineをconnpassで見る" })).toHaveTextContent(MORE_LINK_TEXT);
    // Matched although the answer's link lacks the trailing slash; its own date line is not repeated.
    expect(second).toHaveTextContent("大手町サンプルホール（東京都）");
    expect(second).toHaveTextContent("1000/1000人 満席（補欠登録可）・補欠 4人");
    expect(within(second).getAllByText(/2027年5月22日/)).toHaveLength(1); // the answer's 日時 line is left out
    expect(second).not.toHaveTextContent("主催");
    expect(within(second).getByText("詳細").tagName).toBe("SPAN"); // the reason's unsafe link stays text
    expect(screen.getAllByRole("link", { name: /connpassで見る$/ })).toHaveLength(2);
    expect(container.querySelectorAll(".event-card")).toHaveLength(2); // each event once
    expectInert(container);
    const paragraphs = Array.from(container.querySelectorAll(".markdown > p"), (p) => p.textContent);
    expect(paragraphs).toEqual(["「TypeScript」のカンファレンスを 2 件見つけました。", "場所や時期を指定して絞り込めます。"]);
  });

  it("keeps the answer's own card while it is written and for events the tool data does not have", () => {
    const { rerender } = render(<Markdown text={WRONG} />);
    expect(cards().map((card) => card.classList.contains("event-card-facts"))).toEqual([false, false]);
    expect(cards()[0]).toHaveTextContent("👥 90/200人・受付中");
    expect(screen.queryByText(MORE_LINK_TEXT)).toBeNull();
    rerender(<Markdown text={WRONG} events={[tokyo, shownEvent({ url: "https://other.example/event/9/" })]} />);
    const [first, second] = cards() as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent("TSConf Online（モデルの表記）"); // not in the tool data: as written
    expect(first).not.toHaveTextContent(MORE_LINK_TEXT);
    expect(second).toHaveClass("event-card-facts");
    expect(second).toHaveTextContent(MORE_LINK_TEXT);
  });

  it.each([
    ["open", { status: "open", status_label: "受付中", accepted: 10, limit: 50 }, "10/50人 受付中"],
    ["full with a waiting list", { status: "full", status_label: "満席（補欠登録可）", accepted: 50, limit: 50, waiting: 7 }, "50/50人 満席（補欠登録可）・補欠 7人"],
    ["full without one", { status: "full", status_label: "満席（補欠登録可）", accepted: 50, limit: 50, waiting: 0 }, "50/50人 満席（補欠登録可）"],
    ["preopen", { status: "preopen", status_label: "募集開始前", accepted: 0, limit: 100 }, "0/100人 募集開始前"],
    ["closed", { status: "closed", status_label: "受付終了", accepted: 80, limit: 100 }, "80/100人 受付終了"],
    ["no capacity", { status: "open", status_label: "受付中", accepted: 12, limit: null }, "12人（定員なし） 受付中"],
    ["no status", { status: null, status_label: "", accepted: 3, limit: 10 }, "3/10人"],
  ] as const)("says %s in one status word", (_, fields, expected) => {
    render(<Markdown text={ANSWER} events={[shownEvent({ url: "https://ts.sample-connpass.example/event/1/", ...fields })]} />);
    const card = cards()[0] as HTMLElement;
    const participants = within(card).getByText(/参加者:/).parentElement as HTMLElement;
    expect(participants).toHaveTextContent(`参加者: ${expected}`, { normalizeWhitespace: true });
    const words = ["受付中", "満席", "募集開始前", "受付終了", "まもなく", "募集中"];
    expect(words.filter((word) => participants.textContent?.includes(word)).length).toBeLessThanOrEqual(1);
  });

  it("places: venue with prefecture, online with its tool, and an ended event marked", () => {
    const url = "https://ts.sample-connpass.example/event/1/";
    const { rerender } = render(<Markdown text={ANSWER} events={[shownEvent({ url, place: "", prefecture: "大阪府" })]} />);
    expect(cards()[0]).toHaveTextContent("場所: 大阪府");
    rerender(<Markdown text={ANSWER} events={[shownEvent({ url, place: "Zoom", prefecture: "オンライン", online: true })]} />);
    expect(cards()[0]).toHaveTextContent("場所: オンライン（Zoom）");
    rerender(<Markdown text={ANSWER} events={[shownEvent({ url, date: "", ended: true })]} />);
    expect(cards()[0]).toHaveTextContent("日時: 日時未定（終了）");
  });
});

describe("htmlToText", () => {
  it("strips tags and the bodies of script-like elements", () => {
    expect(htmlToText("<p>a<script>b</script>c<style>d</style>e</p>")).toBe("ace");
    expect(htmlToText("<script>never closed")).toBe("");
    expect(htmlToText("x &lt;y&gt;")).toBe("x <y>");
  });
});
