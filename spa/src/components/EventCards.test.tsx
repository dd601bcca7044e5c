// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ChatEvent } from "../api/types";
import { eventCapacity, eventDate, eventPlace, EventCards } from "./EventCards";

const base: ChatEvent = {
  id: "1",
  title: "TypeScript Conference 2026",
  url: "https://sample-connpass.example/event/1/",
  date: "2026年12月5日(土) 13:00〜18:00",
  startedAt: "2026-12-05T13:00:00+09:00",
  place: "渋谷ホール",
  prefecture: "東京都",
  online: false,
  accepted: 10,
  limit: 50,
  waiting: 0,
  openStatus: "open",
  status: "open",
  statusLabel: "受付中",
  catchPhrase: "型の話をしよう",
};

describe("EventCards", () => {
  it("shows title link, date, place and capacity for each event", () => {
    render(<EventCards events={[base, { ...base, id: "2", title: "オンラインLT", online: true, place: null, limit: null, accepted: 3 }]} />);
    const cards = within(screen.getByRole("list", { name: "紹介したイベント（2件）" })).getAllByRole("listitem");
    expect(cards).toHaveLength(2);
    const first = within(cards[0] as HTMLElement);
    const link = first.getByRole("link", { name: "TypeScript Conference 2026" });
    expect(link).toHaveAttribute("href", "https://sample-connpass.example/event/1/");
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(first.getByText("2026年12月5日(土) 13:00〜18:00")).toBeInTheDocument();
    expect(first.getByText("渋谷ホール（東京都）")).toBeInTheDocument();
    expect(first.getByText("10/50人")).toBeInTheDocument();
    expect(first.getByText("サンプル")).toBeInTheDocument();
    const second = within(cards[1] as HTMLElement);
    expect(second.getByText("オンライン")).toBeInTheDocument();
    expect(second.getByText("3人参加")).toBeInTheDocument();
  });

  it("renders nothing without events", () => {
    const { container } = render(<EventCards events={[]} />);
    expect(container).toBeEmptyDOMElement();
  });

  it("does not link unsafe URLs and tags real connpass events without サンプル", () => {
    render(<EventCards events={[{ ...base, url: "javascript:alert(1)" }, { ...base, id: "2", url: "https://connpass.com/event/2/", openStatus: "close", status: "closed", statusLabel: "受付終了" }]} />);
    const links = screen.getAllByRole("link");
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute("href", "https://connpass.com/event/2/");
    expect(screen.queryByText("サンプル")).toBeNull();
    expect(screen.getByText("受付終了")).toBeInTheDocument();
  });

  it("tags events one cannot simply join with the agent's wording, and open ones with nothing", () => {
    render(
      <EventCards
        events={[
          base,
          { ...base, id: "2", status: "full", statusLabel: "満席（補欠登録可）" },
          { ...base, id: "3", status: null, statusLabel: null, openStatus: "preopen" },
        ]}
      />,
    );
    const cards = screen.getAllByRole("listitem");
    expect(within(cards[0] as HTMLElement).queryByText("受付中")).toBeNull();
    expect(within(cards[1] as HTMLElement).getByText("満席（補欠登録可）")).toBeInTheDocument();
    expect(within(cards[2] as HTMLElement).getByText("募集開始前")).toBeInTheDocument();
  });

  it("shows a minimal event with just a title", () => {
    render(
      <EventCards
        events={[{ ...base, url: null, date: null, startedAt: null, place: null, prefecture: null, accepted: null, limit: null, waiting: null, openStatus: null, status: null, statusLabel: null, catchPhrase: null }]}
      />,
    );
    expect(screen.getByRole("heading", { name: "TypeScript Conference 2026" })).toBeInTheDocument();
    expect(screen.queryByText("📅")).toBeNull();
  });
});

describe("card lines", () => {
  it("formats the date from started_at when the agent sent none", () => {
    expect(eventDate({ ...base, date: null })).toMatch(/2026年12月5日.*13:00/);
    expect(eventDate({ ...base, date: null, startedAt: "not a date" })).toBeNull();
  });

  it("names online venues and does not repeat the prefecture", () => {
    expect(eventPlace({ ...base, online: true, place: "Zoom" })).toBe("オンライン（Zoom）");
    expect(eventPlace({ ...base, online: true, place: "オンライン（Zoom）" })).toBe("オンライン（Zoom）");
    expect(eventPlace({ ...base, place: "東京都渋谷区のホール" })).toBe("東京都渋谷区のホール");
    expect(eventPlace({ ...base, place: null })).toBe("東京都");
  });

  it("adds the waiting list", () => {
    expect(eventCapacity({ ...base, accepted: 50, waiting: 7 })).toBe("50/50人（補欠7人）");
    expect(eventCapacity({ ...base, accepted: null })).toBeNull();
  });
});
