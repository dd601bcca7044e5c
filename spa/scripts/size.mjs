// Gzipped size of the built JavaScript, in kB of 1000 bytes like `vite build` (run `npm run build` first); fails above the budget.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = Number(process.env.CONFEE_JS_BUDGET_KB ?? 100);
const dir = join("dist", "assets");
let total = 0;
for (const name of readdirSync(dir).filter((file) => file.endsWith(".js")).sort()) {
  const gz = gzipSync(readFileSync(join(dir, name))).length;
  total += gz;
  console.log(`${name}: ${(gz / 1000).toFixed(1)} kB gzipped`);
}
console.log(`total JavaScript: ${(total / 1000).toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB)`);
if (total > BUDGET_KB * 1000) {
  console.error("over budget");
  process.exit(1);
}
