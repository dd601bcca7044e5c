/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Chat API base URL; same-origin "/api" when unset. */
  readonly VITE_API_BASE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
