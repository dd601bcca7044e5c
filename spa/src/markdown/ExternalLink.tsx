/** Every link an answer can hold: to a checked http(s) URL, in a new tab, with no opener and no referrer. */

import type { ReactNode } from "react";

interface ExternalLinkProps {
  /** Already checked by `safeHref` (or an event's checked `url`). */
  href: string;
  title?: string | undefined;
  /** An accessible name when the visible text alone is ambiguous (「connpassで見る」 on every card). */
  label?: string | undefined;
  children: ReactNode;
}

export function ExternalLink({ href, title, label, children }: ExternalLinkProps) {
  return (
    <a href={href} title={title} aria-label={label} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}
