/** Vitest set-up: DOM matchers, and a clean DOM and sessionStorage between tests. */

import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  // After cleanup: unmounting the app stores its conversation, as a page being left does.
  if (typeof sessionStorage !== "undefined") {
    sessionStorage.clear();
  }
});
