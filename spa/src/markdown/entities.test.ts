import { describe, expect, it } from "vitest";
import { decodeEntities } from "./entities";

describe("decodeEntities", () => {
  it("decodes named and numeric references", () => {
    expect(decodeEntities("A &amp; B &lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x1F600; &hellip;")).toBe(
      "A & B <tag> \"q\" 's' 😀 …",
    );
    expect(decodeEntities("javascript&colon;alert(1)")).toBe("javascript:alert(1)");
  });

  it("leaves unknown names and bare ampersands alone", () => {
    expect(decodeEntities("R&D &unknown; &")).toBe("R&D &unknown; &");
  });

  it("replaces invalid code points", () => {
    expect(decodeEntities("&#0;&#xD800;&#x110000;")).toBe("\ufffd\ufffd\ufffd");
  });
});
