/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv, type Plugin } from "vite";

/**
 * A Content-Security-Policy for the built page: no inline script, no third-party anything, so even a
 * renderer bug could not run script or fetch from elsewhere. Only in builds: the dev server injects
 * inline scripts. An absolute VITE_API_BASE adds its origin to connect-src.
 */
function contentSecurityPolicy(apiBase: string | undefined): Plugin {
  let connect = "'self'";
  if (apiBase !== undefined && /^https?:\/\//i.test(apiBase.trim())) {
    connect += ` ${new URL(apiBase.trim()).origin}`;
  }
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join("; ");
  return {
    name: "confee-csp",
    apply: "build",
    transformIndexHtml: () => [
      { tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: policy }, injectTo: "head-prepend" },
    ],
  };
}

// The built site is served at "/" by CloudFront and by `python -m proxy.local`; the API is same-origin
// under /api unless VITE_API_BASE says otherwise (src/config.ts reads it).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), "VITE_");
  return {
    plugins: [react(), contentSecurityPolicy(env.VITE_API_BASE)],
    build: {
      target: "es2022",
      sourcemap: false,
    },
    server: {
      // `npm run dev` against a running `python -m proxy.local --port 8000`.
      proxy: { "/api": "http://127.0.0.1:8000" },
    },
    test: {
      environment: "node",
      setupFiles: ["./src/test/setup.ts"],
      include: ["src/**/*.test.{ts,tsx}"],
      restoreMocks: true,
      unstubGlobals: true,
      unstubEnvs: true,
    },
  };
});
